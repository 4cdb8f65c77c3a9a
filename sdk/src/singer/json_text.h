// JSON string literals written into room the caller has made: the one escaping routine behind
// append_json_string() and MessageWriter's buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "chorus/singer/message.h"
#include "singer/word_scan.h"

namespace chorus::singer {

// The most bytes `size` bytes of text take as a JSON string literal: quoted, every byte \u00XX.
constexpr std::size_t longest_json_string(std::size_t size) { return 6 * size + 2; }

// True when any of the 8 bytes in `word` may need escaping (a control byte, '"' or '\\').
// It never misses a byte, and a false alarm only sends the word through the byte loop.
inline bool word_needs_escape(std::uint64_t word) {
  return (word_scan::bytes_below(word, 0x20) | word_scan::bytes_equal(word, '"') |
          word_scan::bytes_equal(word, '\\')) != 0;
}

// Whether a byte of `text` may need escaping: a word at a time, the last word read as a load
// that may overlap (harmless for a yes/no question); no byte outside `text` is read.
inline bool may_need_escape(std::string_view text) {
  const char *const p = text.data();
  const std::size_t size = text.size();
  if (size >= 8) {
    for (std::size_t at = 0; at + 8 < size; at += 8) {
      if (word_needs_escape(word_scan::load(p + at))) return true;
    }
    return word_needs_escape(word_scan::load(p + size - 8));
  }
  return word_needs_escape(word_scan::load_short(p, size, ' '));  // spaces need nothing
}

// The JSON text of a value that is not a string (strings are escaped, through
// write_json_string): "null", or the value's stored text, which is JSON already.
inline std::string_view stored_json(const Value &value) {
  return value.is_null() ? std::string_view("null") : value.text;
}

// Writes `text` at `out` (room for longest_json_string() bytes) as a JSON string literal,
// quotes included (RFC 8259 escaping; UTF-8 passes through); returns its end.
char *write_json_string(char *out, std::string_view text);

}  // namespace chorus::singer
