#include "csv_encoding.h"

namespace chorus::csv_target {
namespace {

bool needs_quotes(std::string_view text, char delimiter) {
  if (text.empty()) return true;
  if (text.front() == ' ' || text.back() == ' ') return true;
  for (char c : text) {
    if (c == delimiter || c == '"' || c == '\n' || c == '\r') return true;
  }
  return false;
}

}  // namespace

void append_csv_field(std::string &out, std::string_view text, char delimiter) {
  if (!needs_quotes(text, delimiter)) {
    out.append(text);
    return;
  }
  out.push_back('"');
  std::size_t start = 0;
  for (std::size_t quote = text.find('"'); quote != std::string_view::npos;
       quote = text.find('"', start)) {
    out.append(text.substr(start, quote + 1 - start));
    out.push_back('"');
    start = quote + 1;
  }
  out.append(text.substr(start));
  out.push_back('"');
}

void append_csv_value(std::string &out, const singer::Value &value, char delimiter) {
  switch (value.kind) {
    case singer::ValueKind::Null:
      return;
    case singer::ValueKind::Number:
    case singer::ValueKind::Boolean:
      out.append(value.text);
      return;
    case singer::ValueKind::String:
    case singer::ValueKind::Object:
    case singer::ValueKind::Array:
      append_csv_field(out, value.text, delimiter);
      return;
  }
}

}  // namespace chorus::csv_target
