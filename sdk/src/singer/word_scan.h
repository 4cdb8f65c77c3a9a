// Eight bytes at a time: the classic "has a zero byte" bit tricks, for escaping loops that
// mostly meet bytes needing nothing (the JSON writer, PostgreSQL's COPY text).
#pragma once

#include <cstdint>
#include <cstring>

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

}  // namespace chorus::word_scan
