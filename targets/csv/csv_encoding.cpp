#include "csv_encoding.h"

#include <cstdint>
#include <cstring>

namespace chorus::target_csv {
namespace {

constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighs = 0x8080808080808080ULL;

// Nonzero when one of the 8 bytes of `word` equals `byte` (the "has a zero byte" bit trick on
// word ^ byte; a false alarm is possible only above a true match, so the answer is exact
// whenever it is false).
inline std::uint64_t has_byte(std::uint64_t word, unsigned char byte) {
  const std::uint64_t x = word ^ (kOnes * byte);
  return (x - kOnes) & ~x & kHighs;
}

inline bool word_has_special(std::uint64_t word, unsigned char delimiter) {
  return (has_byte(word, delimiter) | has_byte(word, '"') | has_byte(word, '\n') |
          has_byte(word, '\r')) != 0;
}

// Eight bytes at a time: most fields are short and plain, so this is the hot path of the
// target.
bool needs_quotes(std::string_view text, char delimiter) {
  if (text.empty()) return true;
  if (text.front() == ' ' || text.back() == ' ') return true;
  const auto delim = static_cast<unsigned char>(delimiter);
  const char *p = text.data();
  std::size_t left = text.size();
  for (; left >= 8; p += 8, left -= 8) {
    std::uint64_t word;
    std::memcpy(&word, p, 8);
    if (word_has_special(word, delim)) return true;
  }
  if (left == 0) return false;
  if (text.size() >= 8) {
    // The last word overlaps bytes already checked, which is harmless for a yes/no question.
    std::uint64_t word;
    std::memcpy(&word, text.data() + text.size() - 8, 8);
    return word_has_special(word, delim);
  }
  for (; left > 0; ++p, --left) {
    const char c = *p;
    if (c == delimiter || c == '"' || c == '\n' || c == '\r') return true;
  }
  return false;
}

}  // namespace

char *write_csv_field(char *out, std::string_view text, char delimiter) {
  if (!needs_quotes(text, delimiter)) {
    std::memcpy(out, text.data(), text.size());
    return out + text.size();
  }
  *out++ = '"';
  for (const char c : text) {
    *out++ = c;
    if (c == '"') *out++ = '"';
  }
  *out++ = '"';
  return out;
}

void append_csv_field(std::string &out, std::string_view text, char delimiter) {
  const std::size_t start = out.size();
  out.resize(start + longest_csv_field(text.size()));
  out.resize(
      static_cast<std::size_t>(write_csv_field(out.data() + start, text, delimiter) - out.data()));
}

void append_csv_value(std::string &out, const singer::Value &value, char delimiter) {
  const CellForm form = cell_form(value);
  const std::size_t start = out.size();
  out.resize(start + longest_cell(form, value.text));
  out.resize(static_cast<std::size_t>(
      write_csv_cell(out.data() + start, form, value.text, delimiter) - out.data()));
}

}  // namespace chorus::target_csv
