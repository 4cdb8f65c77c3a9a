// Integers in network byte order (big-endian), as PostgreSQL's wire formats carry them: the
// binary COPY fields written and read, and the replication protocol's messages.
#pragma once

#include <cstdint>

namespace chorus::pg {

inline std::uint16_t load16(const char *at) {
  const auto *bytes = reinterpret_cast<const unsigned char *>(at);
  return static_cast<std::uint16_t>((bytes[0] << 8) | bytes[1]);
}

inline std::uint32_t load32(const char *at) {
  return (std::uint32_t{load16(at)} << 16) | load16(at + 2);
}

inline std::uint64_t load64(const char *at) {
  return (std::uint64_t{load32(at)} << 32) | load32(at + 4);
}

// Each store writes `value` at `to` and returns the end of what it wrote.
inline char *store16(char *to, std::uint16_t value) {
  to[0] = static_cast<char>(value >> 8);
  to[1] = static_cast<char>(value);
  return to + 2;
}

inline char *store32(char *to, std::uint32_t value) {
  to = store16(to, static_cast<std::uint16_t>(value >> 16));
  return store16(to, static_cast<std::uint16_t>(value));
}

inline char *store64(char *to, std::uint64_t value) {
  to = store32(to, static_cast<std::uint32_t>(value >> 32));
  return store32(to, static_cast<std::uint32_t>(value));
}

}  // namespace chorus::pg
