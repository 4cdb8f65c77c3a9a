#include "chorus/sql/identifier.h"

#include <cstdint>
#include <cstdio>

#include "plugin/stable_hash.h"

namespace chorus::sql {
namespace {

std::string folded(std::string_view name, CaseFolding folding) {
  std::string out;
  out.reserve(name.size());
  for (char c : name) {
    if (c == '\0') {
      c = '_';
    } else if (folding == CaseFolding::Lower && c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    } else if (folding == CaseFolding::Upper && c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
    }
    out.push_back(c);
  }
  if (out.empty()) out = "_";
  return out;
}

// Longest prefix of `text` of at most `limit` bytes that does not cut a UTF-8 sequence.
std::string_view utf8_prefix(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) return text;
  std::size_t end = limit;
  // Continuation bytes are 10xxxxxx; step back to the start of the cut character.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

}  // namespace

std::string quote_identifier(std::string_view name, const IdentifierRules &rules) {
  std::string out;
  out.reserve(name.size() + 2);
  out.push_back(rules.quote);
  for (char c : name) {
    if (c == '\0') c = '_';
    out.push_back(c);
    if (c == rules.quote) out.push_back(c);
  }
  out.push_back(rules.quote);
  return out;
}

std::string hash_suffix(std::string_view text) {
  const std::uint64_t hash = fnv1a64(text);
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "_%08x",
                static_cast<unsigned>((hash >> 32) ^ (hash & 0xFFFFFFFFULL)));
  return buffer;
}

std::string safe_identifier(std::string_view name, const IdentifierRules &rules) {
  std::string out = folded(name, rules.folding);
  if (out.size() <= rules.max_bytes) return out;
  std::string suffix = hash_suffix(name);
  std::string shortened(utf8_prefix(out, rules.max_bytes - suffix.size()));
  return shortened + suffix;
}

std::string versioned_identifier(std::string_view name, int version, const IdentifierRules &rules) {
  std::string tail = "__v" + std::to_string(version);
  std::string whole = folded(name, rules.folding) + tail;
  if (whole.size() <= rules.max_bytes) return whole;
  std::string suffix = hash_suffix(std::string(name) + tail);
  std::string head(
      utf8_prefix(folded(name, rules.folding), rules.max_bytes - suffix.size() - tail.size()));
  return head + tail + suffix;
}

}  // namespace chorus::sql
