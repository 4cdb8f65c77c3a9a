// MessageWriter: messages assembled straight into one output buffer, written in large blocks.
#include "chorus/singer/writer.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <system_error>

#include "singer/word_scan.h"

namespace chorus::singer {

namespace {

void append_int(std::string &out, std::int64_t value) {
  char digits[24];
  const auto result = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, static_cast<std::size_t>(result.ptr - digits));
}

}  // namespace

MessageWriter::MessageWriter(int fd, std::size_t buffer_bytes) : fd_(fd), capacity_(buffer_bytes) {
  // Room for the block plus one typical message past it, so the buffer rarely reallocates.
  buffer_.reserve(capacity_ + 4096);
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
  buffer_.append(R"({"type":"SCHEMA","stream":)");
  append_json_string(buffer_, stream);
  buffer_.append(R"(,"schema":)");
  buffer_.append(schema_text(schema, property_order));
  buffer_.append(R"(,"key_properties":[)");
  for (std::size_t i = 0; i < key_properties.size(); ++i) {
    if (i > 0) buffer_.push_back(',');
    append_json_string(buffer_, key_properties[i]);
  }
  buffer_.push_back(']');
  if (!bookmark_properties.empty()) {
    buffer_.append(R"(,"bookmark_properties":[)");
    for (std::size_t i = 0; i < bookmark_properties.size(); ++i) {
      if (i > 0) buffer_.push_back(',');
      append_json_string(buffer_, bookmark_properties[i]);
    }
    buffer_.push_back(']');
  }
  buffer_.append("}\n");
  maybe_flush();
}

void MessageWriter::write_state(const nlohmann::json &value) {
  buffer_.append(R"({"type":"STATE","value":)");
  buffer_.append(value.dump());
  buffer_.append("}\n");
  flush();
}

void MessageWriter::write_activate_version(std::string_view stream, std::int64_t version) {
  buffer_.append(R"({"type":"ACTIVATE_VERSION","stream":)");
  append_json_string(buffer_, stream);
  buffer_.append(R"(,"version":)");
  append_int(buffer_, version);
  buffer_.append("}\n");
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
  buffer_.append(json_line);
  buffer_.push_back('\n');
  maybe_flush();
}

void MessageWriter::begin_record(std::string_view stream) {
  if (record_prefix_.empty() || !word_scan::same_text(prefix_stream_, stream)) {
    prefix_stream_.assign(stream);
    record_prefix_.assign(R"({"type":"RECORD","stream":)");
    append_json_string(record_prefix_, stream);
    record_prefix_.append(R"(,"record":{)");
  }
  buffer_.append(record_prefix_);
  next_field_ = 0;
}

void MessageWriter::write_key(std::string_view name) {
  if (next_field_ < keys_.size() && word_scan::same_text(keys_[next_field_].name, name)) {
    buffer_.append(keys_[next_field_].text);
    ++next_field_;
    return;
  }
  EncodedKey &key = next_field_ < keys_.size() ? keys_[next_field_] : keys_.emplace_back();
  key.name.assign(name);
  key.text.assign(next_field_ > 0 ? "," : "");
  append_json_string(key.text, name);
  key.text.push_back(':');
  buffer_.append(key.text);
  ++next_field_;
}

void MessageWriter::add_null(std::string_view name) {
  write_key(name);
  buffer_.append("null", 4);
}

void MessageWriter::add_bool(std::string_view name, bool value) {
  write_key(name);
  if (value) {
    buffer_.append("true", 4);
  } else {
    buffer_.append("false", 5);
  }
}

void MessageWriter::add_int(std::string_view name, std::int64_t value) {
  write_key(name);
  append_int(buffer_, value);
}

// A number is written as its text, which is already JSON.
void MessageWriter::add_number(std::string_view name, std::string_view text) {
  add_raw_json(name, text);
}

void MessageWriter::add_string(std::string_view name, std::string_view value) {
  write_key(name);
  append_json_string(buffer_, value);
}

void MessageWriter::add_raw_json(std::string_view name, std::string_view json_text) {
  write_key(name);
  buffer_.append(json_text);
}

void MessageWriter::add_value(std::string_view name, const Value &value) {
  write_key(name);
  append_json_value(buffer_, value);
}

void MessageWriter::end_record(std::string_view time_extracted) {
  buffer_.push_back('}');
  if (!time_extracted.empty()) {
    buffer_.append(R"(,"time_extracted":)");
    append_json_string(buffer_, time_extracted);
  }
  buffer_.append("}\n", 2);
  maybe_flush();
}

void MessageWriter::end_record(std::string_view time_extracted, std::int64_t version) {
  buffer_.push_back('}');
  if (!time_extracted.empty()) {
    buffer_.append(R"(,"time_extracted":)");
    append_json_string(buffer_, time_extracted);
  }
  buffer_.append(R"(,"version":)");
  append_int(buffer_, version);
  buffer_.append("}\n", 2);
  maybe_flush();
}

void MessageWriter::maybe_flush() {
  if (buffer_.size() >= capacity_) flush();
}

void MessageWriter::flush() {
  std::size_t written = 0;
  while (written < buffer_.size()) {
    const ssize_t n = ::write(fd_, buffer_.data() + written, buffer_.size() - written);
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
    buffer_.clear();
    throw std::system_error(error, std::generic_category(),
                            "cannot write Singer messages to fd " + std::to_string(fd_));
  }
  bytes_written_ += written;
  buffer_.clear();
}

}  // namespace chorus::singer
