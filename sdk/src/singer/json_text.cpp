// JSON text for the direct serializer: string literals and stored values.
#include "singer/json_text.h"

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

char *write_escape(char *out, unsigned char c, char letter) {
  *out++ = '\\';
  *out++ = letter;
  if (letter != 'u') return out;
  static constexpr char kHex[] = "0123456789abcdef";
  *out++ = '0';
  *out++ = '0';
  *out++ = kHex[c >> 4];
  *out++ = kHex[c & 0xF];
  return out;
}

}  // namespace

char *write_json_string(char *out, std::string_view text) {
  *out++ = '"';
  if (!may_need_escape(text)) {
    // Nearly every name and value: copied as it is, between its quotes.
    std::memcpy(out, text.data(), text.size());
    out += text.size();
    *out++ = '"';
    return out;
  }
  const char *p = text.data();
  const char *const end = p + text.size();
  while (p < end) {
    if (end - p >= 8 && !word_needs_escape(word_scan::load(p))) {
      std::memcpy(out, p, 8);
      out += 8;
      p += 8;
      continue;
    }
    const auto c = static_cast<unsigned char>(*p++);
    const char letter = kEscape[c];
    if (letter == 0) {
      *out++ = static_cast<char>(c);
    } else {
      out = write_escape(out, c, letter);
    }
  }
  *out++ = '"';
  return out;
}

void append_json_string(std::string &out, std::string_view text) {
  if (!may_need_escape(text)) {
    // Nearly every name and value, without making room for the longest escaped form first.
    out.push_back('"');
    out.append(text);
    out.push_back('"');
    return;
  }
  const std::size_t start = out.size();
  out.resize(start + longest_json_string(text.size()));
  out.resize(static_cast<std::size_t>(write_json_string(out.data() + start, text) - out.data()));
}

void append_json_value(std::string &out, const Value &value) {
  if (value.kind == ValueKind::String) {
    append_json_string(out, value.text);
  } else {
    out.append(stored_json(value));
  }
}

}  // namespace chorus::singer
