// Turning a simdjson On-Demand value into a chorus Value (shared by the reader and the
// validator, which re-reads nested objects and arrays).
#pragma once

#include <simdjson.h>

#include <cstring>
#include <string_view>

#include "chorus/singer/json_number.h"
#include "chorus/singer/message.h"

namespace chorus::singer::detail {

// `text` without trailing JSON whitespace (raw tokens keep the whitespace after them).
inline std::string_view trim_trailing_whitespace(std::string_view text) {
  while (!text.empty()) {
    const char c = text.back();
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
    text.remove_suffix(1);
  }
  return text;
}

// Reads the key of `field`. A key without escapes (nearly all of them) is a view of the input
// itself; only keys with a backslash are unescaped into the parser's string buffer. `end` is
// the end of the input, which bounds the search for the closing quote; the input is padded
// past it (by at least 8 bytes, as simdjson's inputs are).
simdjson::error_code read_key(simdjson::ondemand::field &field, const char *end,
                              std::string_view &key) noexcept;

// Reads a string value: a view of the input when it has no escapes, else unescaped into the
// parser's string buffer. INCORRECT_TYPE when `value` is not a string.
simdjson::error_code read_string(simdjson::ondemand::value &value, std::string_view &out) noexcept;

// Reads `value` into `out`: numbers as their text, strings unescaped (a view of the input when
// there is nothing to unescape, else of the parser's string buffer), booleans as
// "true"/"false", objects and arrays as raw JSON text. Scalars may be left unconsumed (the
// iterator skips them when it moves on). Returns the simdjson error, or NUMBER_ERROR for a
// malformed number.
simdjson::error_code read_value(simdjson::ondemand::value &value, Value &out) noexcept;

}  // namespace chorus::singer::detail
