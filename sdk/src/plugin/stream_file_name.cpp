#include "chorus/plugin/stream_file_name.h"

#include <cstdint>

#include "plugin/stable_hash.h"

namespace chorus::file_output {
namespace {

constexpr std::size_t kMaxStem = 200;
constexpr std::size_t kKeptBeforeHash = 180;

bool kept_as_is(unsigned char byte, bool first) {
  if (byte >= 0x80) return true;
  if ((byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') ||
      (byte >= '0' && byte <= '9')) {
    return true;
  }
  if (byte == '-' || byte == '_') return true;
  return byte == '.' && !first;
}

void append_hex(std::string &out, std::uint64_t value, int digits) {
  static const char kHex[] = "0123456789ABCDEF";
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
    out.push_back(kHex[(value >> shift) & 0xF]);
  }
}

}  // namespace

std::string stream_file_stem(std::string_view stream) {
  if (stream.empty()) return "%";
  std::string stem;
  std::size_t cut = 0;  // the longest prefix of whole characters that fits kKeptBeforeHash
  for (std::size_t i = 0; i < stream.size(); ++i) {
    const auto byte = static_cast<unsigned char>(stream[i]);
    if (kept_as_is(byte, i == 0)) {
      stem.push_back(static_cast<char>(byte));
    } else {
      stem.push_back('%');
      append_hex(stem, byte, 2);
    }
    if (stem.size() <= kKeptBeforeHash) cut = stem.size();
  }
  if (stem.size() <= kMaxStem) return stem;
  stem.resize(cut);
  stem.push_back('~');
  append_hex(stem, fnv1a64(stream), 16);
  return stem;
}

}  // namespace chorus::file_output
