// An enum's names, listed once and read both ways: the words a setting, a log line or a catalog
// spells a value with, and the one it is written as. Header-only.
//
//   constexpr Named<Color> kColorNames[] = {{Color::Red, "red"}, {Color::Blue, "blue"}};
//   name_of(kColorNames, Color::Red)      // "red"
//   value_named(kColorNames, "blue")      // Color::Blue; std::nullopt for a word not listed
//   value_named_ignoring_case(kColorNames, "BLUE")  // Color::Blue
//
// A value may be listed under several words (aliases); the first is the one name_of() returns.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace chorus {

template <typename Value>
struct Named {
  Value value;
  std::string_view name;
};

// The first name listed for `value`, or `fallback` when it is not listed.
template <typename Value, std::size_t N>
constexpr std::string_view name_of(const Named<Value> (&names)[N], Value value,
                                   std::string_view fallback = {}) {
  for (const Named<Value> &entry : names) {
    if (entry.value == value) return entry.name;
  }
  return fallback;
}

// Whether `a` and `b` are the same word but for the case of ASCII letters (bytes beyond ASCII
// compare exactly, whatever the locale).
constexpr bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) {
      return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// The value listed under `name` (compared exactly), or std::nullopt.
template <typename Value, std::size_t N>
constexpr std::optional<Value> value_named(const Named<Value> (&names)[N], std::string_view name) {
  for (const Named<Value> &entry : names) {
    if (entry.name == name) return entry.value;
  }
  return std::nullopt;
}

// The value listed under `name` compared with equals_ignoring_case(), or std::nullopt.
template <typename Value, std::size_t N>
constexpr std::optional<Value> value_named_ignoring_case(const Named<Value> (&names)[N],
                                                         std::string_view name) {
  for (const Named<Value> &entry : names) {
    if (equals_ignoring_case(entry.name, name)) return entry.value;
  }
  return std::nullopt;
}

}  // namespace chorus
