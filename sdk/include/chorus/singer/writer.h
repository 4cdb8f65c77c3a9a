// Writes Singer messages to an fd through a large buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "chorus/singer/message.h"

namespace chorus::singer {

// Appends `text` to `out` as a JSON string literal, quotes included (RFC 8259 escaping; UTF-8
// passes through unchanged).
void append_json_string(std::string &out, std::string_view text);

// Appends `value` to `out` as JSON (numbers, objects and arrays as their stored text).
void append_json_value(std::string &out, const Value &value);

class MessageWriter {
 public:
  explicit MessageWriter(int fd, std::size_t buffer_bytes = std::size_t{1} << 20);
  // Flushes what is buffered; errors at that point are logged to stderr, not thrown. Call
  // flush() first to see them.
  ~MessageWriter();
  MessageWriter(const MessageWriter &) = delete;
  MessageWriter &operator=(const MessageWriter &) = delete;

  // `property_order` lists the schema's top-level properties in the order they are written
  // (targets create columns in it); properties it does not name follow, sorted. Empty: sorted.
  void write_schema(std::string_view stream, const nlohmann::json &schema,
                    const std::vector<std::string> &key_properties,
                    const std::vector<std::string> &bookmark_properties = {},
                    const std::vector<std::string> &property_order = {});
  // Writes {"type":"STATE","value":...}. Flushes, so the state reaches the reader promptly.
  void write_state(const nlohmann::json &value);
  void write_activate_version(std::string_view stream, std::int64_t version);
  // Re-serialises a record (a mapper's pass-through, a test's copy).
  void write_record(const RecordView &record);
  // Writes a complete message line as given; a '\n' is appended.
  void write_line(std::string_view json_line);

  // Direct RECORD serializer for taps: begin_record, one add_* per property, end_record. No
  // DOM is built; the line is assembled in the output buffer.
  void begin_record(std::string_view stream);
  void add_null(std::string_view name);
  void add_bool(std::string_view name, bool value);
  void add_int(std::string_view name, std::int64_t value);
  // `text` must be a valid JSON number; it is written as is, so decimals keep every digit.
  void add_number(std::string_view name, std::string_view text);
  void add_string(std::string_view name, std::string_view value);
  // `json_text` must be valid JSON (an object or array, typically); written as is.
  void add_raw_json(std::string_view name, std::string_view json_text);
  void add_value(std::string_view name, const Value &value);
  // time_extracted: RFC 3339 or empty to omit it.
  void end_record(std::string_view time_extracted = {});
  // The same, with the record's table "version" (see ACTIVATE_VERSION).
  void end_record(std::string_view time_extracted, std::int64_t version);

  // Throws std::system_error when the fd cannot be written (e.g. EPIPE); the buffered bytes
  // are dropped then. The writer does not touch SIGPIPE: a process that wants EPIPE instead of
  // being killed ignores SIGPIPE itself.
  void flush();
  std::uint64_t bytes_written() const { return bytes_written_; }

 private:
  void maybe_flush();
  // The separator, quoted name and colon of the record's next property.
  void write_key(std::string_view name);
  // Room for `size` more bytes after the used part of the buffer, and where it starts.
  char *room(std::size_t size);
  void grow(std::size_t size);
  void put(std::string_view text);
  void put_json_string(std::string_view text);
  void put_int(std::int64_t value);

  // What one place of a record wrote before it: a tap writes the same names in the same order
  // in every record, so each place's key text is encoded once and then copied.
  struct EncodedKey {
    std::string name;
    std::string text;  // `,"name":` (no comma at the first place)
  };
  int fd_;
  std::size_t capacity_;
  // Messages are written into the buffer's first `used_` bytes; its size is the room it has, so
  // that a piece is copied without a capacity check and a call of std::string's own.
  std::string buffer_;
  std::size_t used_ = 0;
  std::size_t next_field_ = 0;  // place of the next property in the record being written
  std::vector<EncodedKey> keys_;
  std::string prefix_stream_;  // the stream record_prefix_ was made for
  std::string record_prefix_;  // {"type":"RECORD","stream":"...","record":{
  std::uint64_t bytes_written_ = 0;
};

}  // namespace chorus::singer
