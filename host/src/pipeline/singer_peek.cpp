#include "pipeline/singer_peek.h"

#include <cctype>
#include <cstring>
#include <nlohmann/json.hpp>

#include "chorus/plugin/named_values.h"

namespace chorus::host {
namespace {

class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  void skip_space() {
    while (at_ < text_.size() &&
           (text_[at_] == ' ' || text_[at_] == '\t' || text_[at_] == '\r' || text_[at_] == '\n')) {
      ++at_;
    }
  }
  bool take(char c) {
    skip_space();
    if (at_ < text_.size() && text_[at_] == c) {
      ++at_;
      return true;
    }
    return false;
  }
  char peek() {
    skip_space();
    return at_ < text_.size() ? text_[at_] : '\0';
  }
  // A string at the cursor: its raw content, and whether it holds an escape.
  bool string(std::string_view &raw, bool &escaped) {
    if (!take('"')) return false;
    const std::size_t start = at_;
    while (at_ < text_.size()) {
      const void *found = std::memchr(text_.data() + at_, '"', text_.size() - at_);
      if (found == nullptr) return false;
      const std::size_t quote =
          static_cast<std::size_t>(static_cast<const char *>(found) - text_.data());
      // A quote preceded by an odd number of backslashes is part of the string.
      std::size_t slashes = 0;
      while (quote - slashes > start && text_[quote - slashes - 1] == '\\') ++slashes;
      at_ = quote + 1;
      if (slashes % 2 == 0) {
        raw = text_.substr(start, quote - start);
        escaped = raw.find('\\') != std::string_view::npos;
        return true;
      }
    }
    return false;
  }
  // Skips one value of any kind; false when the text ends first.
  bool skip_value() {
    const char first = peek();
    if (first == '"') {
      std::string_view ignored;
      bool escaped = false;
      return string(ignored, escaped);
    }
    if (first == '{' || first == '[') {
      int depth = 0;
      while (at_ < text_.size()) {
        const char c = text_[at_];
        if (c == '"') {
          std::string_view ignored;
          bool escaped = false;
          if (!string(ignored, escaped)) return false;
          continue;
        }
        ++at_;
        if (c == '{' || c == '[') ++depth;
        if ((c == '}' || c == ']') && --depth == 0) return true;
      }
      return false;
    }
    // A number, true, false or null: up to the next delimiter.
    const std::size_t start = at_;
    while (at_ < text_.size() && text_[at_] != ',' && text_[at_] != '}' && text_[at_] != ']' &&
           !std::isspace(static_cast<unsigned char>(text_[at_]))) {
      ++at_;
    }
    return at_ > start;
  }

 private:
  std::string_view text_;
  std::size_t at_ = 0;
};

}  // namespace

SingerPeek peek_singer_line(std::string_view line) {
  SingerPeek result;
  // The form every chorus plugin writes, checked first: one comparison and one memchr.
  constexpr std::string_view kRecordPrefix = R"({"type":"RECORD","stream":")";
  if (line.substr(0, kRecordPrefix.size()) == kRecordPrefix) {
    const std::string_view rest = line.substr(kRecordPrefix.size());
    const void *quote = std::memchr(rest.data(), '"', rest.size());
    if (quote != nullptr) {
      const auto length = static_cast<std::size_t>(static_cast<const char *>(quote) - rest.data());
      if (std::memchr(rest.data(), '\\', length) == nullptr) {
        result.kind = SingerKind::Record;
        result.raw_stream = rest.substr(0, length);
        return result;
      }
    }
  }
  Cursor cursor(line);
  if (!cursor.take('{')) return result;
  std::string_view type;
  bool have_type = false;
  bool have_stream = false;
  while (!(have_type && have_stream)) {
    std::string_view key;
    bool key_escaped = false;
    if (!cursor.string(key, key_escaped) || !cursor.take(':')) return result;
    if ((key == "type" || key == "stream") && cursor.peek() == '"') {
      std::string_view value;
      bool escaped = false;
      if (!cursor.string(value, escaped)) return result;
      if (key == "type") {
        type = value;
        have_type = true;
        // Only a RECORD's stream matters: stop at once for every other type.
        if (!equals_ignoring_case(type, "RECORD")) break;
      } else {
        result.raw_stream = value;
        result.stream_escaped = escaped;
        have_stream = true;
      }
    } else if (!cursor.skip_value()) {
      return result;
    }
    if (!(have_type && have_stream) && !cursor.take(',')) break;
  }
  if (!have_type) return result;
  if (equals_ignoring_case(type, "RECORD")) {
    if (have_stream) result.kind = SingerKind::Record;
  } else if (equals_ignoring_case(type, "STATE")) {
    result.kind = SingerKind::State;
  }
  return result;
}

std::string stream_name(const SingerPeek &peek) {
  if (!peek.stream_escaped) return std::string(peek.raw_stream);
  std::string quoted = "\"" + std::string(peek.raw_stream) + "\"";
  auto decoded = nlohmann::json::parse(quoted, nullptr, false);
  return decoded.is_string() ? decoded.get<std::string>() : std::string(peek.raw_stream);
}

}  // namespace chorus::host
