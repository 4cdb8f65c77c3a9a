// MessageWriter: messages assembled straight into one output buffer, written in large blocks.
#include "chorus/singer/writer.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <system_error>

#include "singer/json_text.h"
#include "singer/word_scan.h"

namespace chorus::singer {

MessageWriter::MessageWriter(int fd, std::size_t buffer_bytes) : fd_(fd), capacity_(buffer_bytes) {
  // Room for the block plus one typical message past it, so the buffer rarely grows.
  buffer_.resize(capacity_ + 4096);
}

inline char *MessageWriter::room(std::size_t size) {
  if (buffer_.size() - used_ < size) grow(size);
  return buffer_.data() + used_;
}

void MessageWriter::grow(std::size_t size) { buffer_.resize(2 * (used_ + size)); }

inline void MessageWriter::put(std::string_view text) {
  std::memcpy(room(text.size()), text.data(), text.size());
  used_ += text.size();
}

inline void MessageWriter::put_json_string(std::string_view text) {
  char *const at = room(longest_json_string(text.size()));
  used_ += static_cast<std::size_t>(write_json_string(at, text) - at);
}

inline void MessageWriter::put_int(std::int64_t value) {
  char *const at = room(20);
  used_ += static_cast<std::size_t>(std::to_chars(at, at + 20, value).ptr - at);
}

MessageWriter::~MessageWriter() {
  try {
    flush();
  } catch (const std::exception &error) {
    std::fprintf(stderr, "chorus: Singer messages lost at exit: %s\n", error.what());
  }
}

namespace {

// `schema` as JSON text with its top-level "properties" in `property_order` (nlohmann::json
// keeps object keys sorted; ordered_json keeps insertion order).
std::string schema_text(const nlohmann::json &schema,
                        const std::vector<std::string> &property_order) {
  const auto properties = schema.find("properties");
  if (property_order.empty() || properties == schema.end() || !properties->is_object()) {
    return schema.dump();
  }
  nlohmann::ordered_json ordered = nlohmann::ordered_json::object();
  for (const auto &[key, value] : schema.items()) {
    if (key != "properties") {
      ordered[key] = nlohmann::ordered_json(value);
      continue;
    }
    nlohmann::ordered_json in_order = nlohmann::ordered_json::object();
    for (const std::string &name : property_names(schema, property_order)) {
      in_order[name] = nlohmann::ordered_json(value[name]);
    }
    ordered[key] = std::move(in_order);
  }
  return ordered.dump();
}

}  // namespace

void MessageWriter::write_schema(std::string_view stream, const nlohmann::json &schema,
                                 const std::vector<std::string> &key_properties,
                                 const std::vector<std::string> &bookmark_properties,
                                 const std::vector<std::string> &property_order) {
  put(R"({"type":"SCHEMA","stream":)");
  put_json_string(stream);
  put(R"(,"schema":)");
  put(schema_text(schema, property_order));
  put(R"(,"key_properties":[)");
  for (std::size_t i = 0; i < key_properties.size(); ++i) {
    if (i > 0) put(",");
    put_json_string(key_properties[i]);
  }
  put("]");
  if (!bookmark_properties.empty()) {
    put(R"(,"bookmark_properties":[)");
    for (std::size_t i = 0; i < bookmark_properties.size(); ++i) {
      if (i > 0) put(",");
      put_json_string(bookmark_properties[i]);
    }
    put("]");
  }
  put("}\n");
  maybe_flush();
}

void MessageWriter::write_state(const nlohmann::json &value) {
  put(R"({"type":"STATE","value":)");
  put(value.dump());
  put("}\n");
  flush();
}

void MessageWriter::write_activate_version(std::string_view stream, std::int64_t version) {
  put(R"({"type":"ACTIVATE_VERSION","stream":)");
  put_json_string(stream);
  put(R"(,"version":)");
  put_int(version);
  put("}\n");
  maybe_flush();
}

void MessageWriter::write_record(const RecordView &record) {
  begin_record(record.stream);
  for (const Field &field : record.fields) add_value(field.name, field.value);
  if (record.version) {
    end_record(record.time_extracted, *record.version);
  } else {
    end_record(record.time_extracted);
  }
}

void MessageWriter::write_line(std::string_view json_line) {
  put(json_line);
  put("\n");
  maybe_flush();
}

void MessageWriter::begin_record(std::string_view stream) {
  if (record_prefix_.empty() || !word_scan::same_text(prefix_stream_, stream)) {
    prefix_stream_.assign(stream);
    record_prefix_.assign(R"({"type":"RECORD","stream":)");
    append_json_string(record_prefix_, stream);
    record_prefix_.append(R"(,"record":{)");
  }
  put(record_prefix_);
  next_field_ = 0;
}

void MessageWriter::write_key(std::string_view name) {
  if (next_field_ < keys_.size() && word_scan::same_text(keys_[next_field_].name, name)) {
    put(keys_[next_field_].text);
    ++next_field_;
    return;
  }
  EncodedKey &key = next_field_ < keys_.size() ? keys_[next_field_] : keys_.emplace_back();
  key.name.assign(name);
  key.text.assign(next_field_ > 0 ? "," : "");
  append_json_string(key.text, name);
  key.text.push_back(':');
  put(key.text);
  ++next_field_;
}

void MessageWriter::add_null(std::string_view name) {
  write_key(name);
  put("null");
}

void MessageWriter::add_bool(std::string_view name, bool value) {
  write_key(name);
  if (value) {
    put("true");
  } else {
    put("false");
  }
}

void MessageWriter::add_int(std::string_view name, std::int64_t value) {
  write_key(name);
  put_int(value);
}

// A number is written as its text, which is already JSON.
void MessageWriter::add_number(std::string_view name, std::string_view text) {
  add_raw_json(name, text);
}

void MessageWriter::add_string(std::string_view name, std::string_view value) {
  write_key(name);
  put_json_string(value);
}

void MessageWriter::add_raw_json(std::string_view name, std::string_view json_text) {
  write_key(name);
  put(json_text);
}

void MessageWriter::add_value(std::string_view name, const Value &value) {
  write_key(name);
  if (value.kind == ValueKind::String) {
    put_json_string(value.text);
  } else {
    put(stored_json(value));
  }
}

void MessageWriter::end_record(std::string_view time_extracted) {
  put("}");
  if (!time_extracted.empty()) {
    put(R"(,"time_extracted":)");
    put_json_string(time_extracted);
  }
  put("}\n");
  maybe_flush();
}

void MessageWriter::end_record(std::string_view time_extracted, std::int64_t version) {
  put("}");
  if (!time_extracted.empty()) {
    put(R"(,"time_extracted":)");
    put_json_string(time_extracted);
  }
  put(R"(,"version":)");
  put_int(version);
  put("}\n");
  maybe_flush();
}

void MessageWriter::maybe_flush() {
  if (used_ >= capacity_) flush();
}

void MessageWriter::flush() {
  std::size_t written = 0;
  while (written < used_) {
    const ssize_t n = ::write(fd_, buffer_.data() + written, used_ - written);
    if (n >= 0) {
      written += static_cast<std::size_t>(n);
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      // A non-blocking fd: wait until the reader has drained some of it.
      pollfd ready{fd_, POLLOUT, 0};
      if (::poll(&ready, 1, -1) >= 0 || errno == EINTR) continue;
    }
    // The fd is unusable (EPIPE: the reader is gone; EIO, ENOSPC...): what is buffered cannot
    // be delivered, and keeping it would only repeat the error at destruction.
    const int error = errno;
    bytes_written_ += written;
    used_ = 0;
    throw std::system_error(error, std::generic_category(),
                            "cannot write Singer messages to fd " + std::to_string(fd_));
  }
  bytes_written_ += written;
  used_ = 0;
}

}  // namespace chorus::singer
