#include "chorus/s3/csv.h"

#include <cstring>

namespace chorus::s3 {

void append_csv_quoted(std::string &out, std::string_view text) {
  out.push_back('"');
  // Copy the runs between quotes in one go: most text has no quote at all.
  while (!text.empty()) {
    const void *quote = std::memchr(text.data(), '"', text.size());
    if (!quote) {
      out.append(text);
      break;
    }
    std::size_t run = static_cast<std::size_t>(static_cast<const char *>(quote) - text.data());
    out.append(text.data(), run + 1);
    out.push_back('"');
    text.remove_prefix(run + 1);
  }
  out.push_back('"');
}

void append_csv_value(std::string &out, const singer::Value &value) {
  switch (value.kind) {
    case singer::ValueKind::Null:
      break;
    case singer::ValueKind::Boolean:
    case singer::ValueKind::Number:
      out.append(value.text);
      break;
    case singer::ValueKind::String:
    case singer::ValueKind::Object:
    case singer::ValueKind::Array:
      append_csv_quoted(out, value.text);
      break;
  }
}

}  // namespace chorus::s3
