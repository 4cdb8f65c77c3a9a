// CSV encoding for warehouse loads (RFC 4180), with NULL kept apart from the empty string.
//
// The convention every loader of chorus uses with it:
//   NULL          -> an empty, unquoted field:   a,,c
//   empty string  -> a quoted empty field:       a,"",c
//   text          -> always quoted, `"` doubled: "say ""hi"""
//   number, bool  -> as is (numbers keep their original digits)
//   object, array -> their JSON text, quoted
// PostgreSQL's and Redshift's COPY ... CSV and Snowflake's FIELD_OPTIONALLY_ENCLOSED_BY='"'
// read an unquoted empty field as NULL and a quoted one as the empty string.
#pragma once

#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

#include "chorus/singer/message.h"

namespace chorus::s3 {

void append_csv_quoted(std::string &out, std::string_view text);
void append_csv_value(std::string &out, const singer::Value &value);

// The same encodings written at `out`, which must have room for csv_bound(value) bytes (or
// 2 * text.size() + 2 for a quoted text); each returns the end of what it wrote. For writers
// that reserve room once per field instead of growing a string byte by byte; inline, as they
// run for every field of every row.
inline std::size_t csv_bound(const singer::Value &value) { return 2 * value.text.size() + 2; }

inline char *write_csv_quoted(char *out, std::string_view text) {
  *out++ = '"';
  // Copy the runs between quotes in one go: most text has no quote at all.
  while (!text.empty()) {
    const void *quote = std::memchr(text.data(), '"', text.size());
    const std::size_t run =
        quote ? static_cast<std::size_t>(static_cast<const char *>(quote) - text.data()) + 1
              : text.size();
    std::memcpy(out, text.data(), run);
    out += run;
    if (quote) *out++ = '"';
    text.remove_prefix(run);
  }
  *out++ = '"';
  return out;
}

inline char *write_csv_value(char *out, const singer::Value &value) {
  switch (value.kind) {
    case singer::ValueKind::Null:
      break;
    case singer::ValueKind::Boolean:
    case singer::ValueKind::Number:
      std::memcpy(out, value.text.data(), value.text.size());
      out += value.text.size();
      break;
    case singer::ValueKind::String:
    case singer::ValueKind::Object:
    case singer::ValueKind::Array:
      out = write_csv_quoted(out, value.text);
      break;
  }
  return out;
}

}  // namespace chorus::s3
