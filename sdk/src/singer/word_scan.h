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

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
// On little-endian machines a word's first byte in memory is its lowest, which lets a scan
// tell where in a word its first marked byte is.
constexpr bool kCanLocate = true;
#else
constexpr bool kCanLocate = false;
#endif

// Where the first byte marked in `marks` (by bytes_below or bytes_equal) is in its word: the
// lowest mark is always a real hit (a borrow only runs upwards). Only where kCanLocate.
inline unsigned first_marked(std::uint64_t marks) {
  return static_cast<unsigned>(__builtin_ctzll(marks)) / 8;
}

// The first `size` (0 to 7) bytes at `p` as the low bytes of a word, the others zero. Reads
// 8 bytes: only for inputs padded past their end (simdjson's are). Only where kCanLocate.
inline std::uint64_t load_padded_prefix(const char *p, std::size_t size) {
  return load(p) & ((std::uint64_t{1} << (8 * size)) - 1);
}

// The sizeof(Word) bytes at `p` (any alignment).
template <class Word>
inline Word load_as(const char *p) {
  Word word;
  std::memcpy(&word, p, sizeof word);
  return word;
}

// The word an 8-byte load gives of the `size` (0 to 7) bytes at `p` followed by `fill` bytes,
// reading no byte outside them: for a text shorter than a word, without a copy of variable
// length (two loads that may overlap, whose overlapping bytes are the same bytes).
inline std::uint64_t load_short(const char *p, std::size_t size, unsigned char fill) {
  if (size == 0) return kOnes * fill;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  std::uint64_t word = static_cast<unsigned char>(*p);
  if (size >= 4) {
    word = load_as<std::uint32_t>(p) |
           (std::uint64_t{load_as<std::uint32_t>(p + size - 4)} << (8 * (size - 4)));
  } else if (size >= 2) {
    word = load_as<std::uint16_t>(p) |
           (std::uint64_t{load_as<std::uint16_t>(p + size - 2)} << (8 * (size - 2)));
  }
  return word | (kOnes * fill) << (8 * size);
#else
  char bytes[8];
  std::memset(bytes, fill, sizeof bytes);
  std::memcpy(bytes, p, size);
  return load(bytes);
#endif
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
