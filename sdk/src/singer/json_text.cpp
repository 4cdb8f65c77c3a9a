// JSON text for the direct serializer: string literals and stored values.
#include <array>
#include <cstdint>
#include <cstring>

#include "chorus/singer/writer.h"
#include "singer/word_scan.h"

namespace chorus::singer {

namespace {

// For each byte: 0 when it is written as is, else the letter after the backslash ('u' for
// the \u00XX form).
constexpr std::array<char, 256> make_escape_table() {
  std::array<char, 256> table{};
  for (int c = 0; c < 0x20; ++c) table[static_cast<std::size_t>(c)] = 'u';
  table['\b'] = 'b';
  table['\f'] = 'f';
  table['\n'] = 'n';
  table['\r'] = 'r';
  table['\t'] = 't';
  table['"'] = '"';
  table['\\'] = '\\';
  return table;
}
constexpr std::array<char, 256> kEscape = make_escape_table();

// True when any of the 8 bytes in `word` may need escaping (a control byte, '"' or '\\').
// It never misses a byte, and a false alarm only sends the word through the byte loop.
inline bool word_needs_escape(std::uint64_t word) {
  return (word_scan::bytes_below(word, 0x20) | word_scan::bytes_equal(word, '"') |
          word_scan::bytes_equal(word, '\\')) != 0;
}

void append_escape(std::string &out, unsigned char c, char letter) {
  if (letter != 'u') {
    const char pair[2] = {'\\', letter};
    out.append(pair, 2);
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  const char sequence[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
  out.append(sequence, 6);
}

// Whether a byte of `text` may need escaping: a word at a time, the last word read as a load
// that may overlap (harmless for a yes/no question); no byte outside `text` is read.
bool may_need_escape(std::string_view text) {
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

}  // namespace

void append_json_string(std::string &out, std::string_view text) {
  if (!may_need_escape(text)) {
    // Nearly every name and value: copied as it is, between its quotes.
    out.push_back('"');
    out.append(text);
    out.push_back('"');
    return;
  }
  out.push_back('"');
  const char *p = text.data();
  const char *const end = p + text.size();
  const char *run = p;  // start of the bytes not yet appended
  while (p < end) {
    if (end - p >= 8) {
      if (!word_needs_escape(word_scan::load(p))) {
        p += 8;
        continue;
      }
    }
    const auto c = static_cast<unsigned char>(*p);
    const char letter = kEscape[c];
    if (letter != 0) {
      out.append(run, static_cast<std::size_t>(p - run));
      append_escape(out, c, letter);
      run = p + 1;
    }
    ++p;
  }
  out.append(run, static_cast<std::size_t>(end - run));
  out.push_back('"');
}

void append_json_value(std::string &out, const Value &value) {
  switch (value.kind) {
    case ValueKind::Null:
      out.append("null", 4);
      return;
    case ValueKind::String:
      append_json_string(out, value.text);
      return;
    case ValueKind::Boolean:
    case ValueKind::Number:
    case ValueKind::Object:
    case ValueKind::Array:
      out.append(value.text);
      return;
  }
}

}  // namespace chorus::singer
