// Eight bytes at a time: the classic "has a zero byte" bit tricks, for escaping loops that
// mostly meet bytes needing nothing (the JSON writer, PostgreSQL's COPY text), and a comparison
// of short texts.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace chorus::word_scan {

constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighs = 0x8080808080808080ULL;

// The 8 bytes at `p` (any alignment).
inline std::uint64_t load(const char *p) {
  std::uint64_t word;
  std::memcpy(&word, p, sizeof word);
  return word;
}

// Nonzero when a byte of `word` is below `limit` (at most 0x80). It never misses; a borrow can
// also mark a byte above a real hit, so a hit sends the word through the caller's byte loop.
inline std::uint64_t bytes_below(std::uint64_t word, unsigned char limit) {
  return (word - kOnes * limit) & ~word & kHighs;
}

// Nonzero when a byte of `word` equals `c`; the same guarantee as bytes_below.
inline std::uint64_t bytes_equal(std::uint64_t word, unsigned char c) {
  const std::uint64_t x = word ^ (kOnes * c);
  return (x - kOnes) & ~x & kHighs;
}

// The sizeof(Word) bytes at `p` (any alignment).
template <class Word>
inline Word load_as(const char *p) {
  Word word;
  std::memcpy(&word, p, sizeof word);
  return word;
}

// Whether `a` and `b` hold the same bytes. Meant for short texts (property names, compared
// for every record): a few loads that may overlap (overlapping bytes are compared twice, which
// is harmless), without a loop over bytes or a call to memcmp.
inline bool same_text(std::string_view a, std::string_view b) {
  const std::size_t size = a.size();
  if (size != b.size()) return false;
  const char *x = a.data();
  const char *y = b.data();
  if (size >= 8) {
    for (std::size_t at = 0; at + 8 < size; at += 8) {
      if (load(x + at) != load(y + at)) return false;
    }
    return load(x + size - 8) == load(y + size - 8);
  }
  if (size >= 4) {
    return load_as<std::uint32_t>(x) == load_as<std::uint32_t>(y) &&
           load_as<std::uint32_t>(x + size - 4) == load_as<std::uint32_t>(y + size - 4);
  }
  if (size >= 2) {
    return load_as<std::uint16_t>(x) == load_as<std::uint16_t>(y) &&
           load_as<std::uint16_t>(x + size - 2) == load_as<std::uint16_t>(y + size - 2);
  }
  return size == 0 || *x == *y;
}

}  // namespace chorus::word_scan
