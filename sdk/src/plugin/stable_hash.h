// FNV-1a (64 bits): a hash fixed by its definition, so that what it decides (a file name's
// suffix, an identifier's shortened form, a file's slice of a partitioned run) is the same in
// every build, on every machine and in every worker. Header-only; not for hash tables.
#pragma once

#include <cstdint>
#include <string_view>

namespace chorus {

constexpr std::uint64_t fnv1a64(std::string_view text) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}

}  // namespace chorus
