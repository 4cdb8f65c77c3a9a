// The fast path for RECORD lines that look like one read before.
//
// A tap writes its records with one serializer, so the records of a stream differ only in
// their values: the bytes around the values (the keys, the punctuation, the envelope's "type"
// and "stream") repeat from line to line. A RecordShape keeps those bytes from a line the
// parser read. A later line with the same bytes around values that are each one valid JSON
// scalar is read without the parser: its fields are the shape's names with the values found.
//
// A line that differs anywhere (a key, the order, whitespace, a nested value, an escape, a
// malformed or out-of-range token) is left to the parser. So the fast path never accepts what
// the parser would refuse, and what it reads is what the parser would have read: the line is
// the learned line's bytes, the same JSON structure, with other scalars in the value places.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "chorus/singer/message.h"

namespace chorus::singer::detail {

class RecordShape {
 public:
  // The shape of `line`, a RECORD the parser read into `parsed`; false (and no shape) when the
  // line is not one the fast path reads: a nested value, an escape in a name or the stream, a
  // repeated envelope key, names the parser read otherwise. The shape is kept only when it
  // reads `line` itself exactly as the parser did.
  bool learn(std::string_view line, const RecordView &parsed);

  // Reads `line` into `record` (fields, stream, time_extracted, version) when it has this
  // shape; false otherwise, with `record` in any state (the parser then fills it anew). The
  // views point into `line`, which is padded past its end (LineReader::kPadding).
  bool read(std::string_view line, RecordView &record) const;

 private:
  enum class Role : std::uint8_t { Field, TimeExtracted, Version, Ignored };
  // The text before one value, and what the value is.
  struct Slot {
    std::uint32_t literal_at = 0;  // in literals_
    std::uint32_t literal_size = 0;
    Role role = Role::Ignored;
    std::uint32_t field = 0;        // Role::Field: the index in record.fields
    std::uint32_t name_offset = 0;  // Role::Field: where the name is in the literal
    std::uint32_t name_size = 0;
  };

  std::string literals_;  // every literal, one after the other, then padding for word loads
  std::vector<Slot> slots_;
  std::uint32_t final_at_ = 0;  // the literal after the last value, to the end of the line
  std::uint32_t final_size_ = 0;
  // Where the stream name is: in literal number stream_literal_ (== slots_.size() for the
  // final one), at stream_offset_.
  std::uint32_t stream_literal_ = 0;
  std::uint32_t stream_offset_ = 0;
  std::uint32_t stream_size_ = 0;
  std::uint32_t field_count_ = 0;
};

// The last few shapes seen, most recently used first: a tap that interleaves a few streams, or
// a stream whose records leave out different properties, keeps each of its shapes. A run of
// lines that have no shape (nested values, say) is not learned from each time: learning backs
// off, doubling the lines it skips after each miss.
class RecordShapes {
 public:
  bool read(std::string_view line, RecordView &record);
  void learn(std::string_view line, const RecordView &parsed);

 private:
  static constexpr std::size_t kKept = 4;
  static constexpr std::uint32_t kMaxSkip = 1024;
  std::vector<RecordShape> shapes_;
  std::uint32_t skip_ = 0;       // lines left to skip before the next try to learn
  std::uint32_t backoff_ = 0;    // lines to skip after the next failed try
  bool learned_unused_ = false;  // no line has used the shape learned last
};

}  // namespace chorus::singer::detail
