// An enum's names, listed once and read both ways: the words a setting, a log line or a catalog
// spells a value with, and the one it is written as. Header-only.
//
//   constexpr Named<Color> kColorNames[] = {{Color::Red, "red"}, {Color::Blue, "blue"}};
//   name_of(kColorNames, Color::Red)      // "red"
//   value_named(kColorNames, "blue")      // Color::Blue; std::nullopt for a word not listed
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

// The value listed under `name` (compared exactly), or std::nullopt.
template <typename Value, std::size_t N>
constexpr std::optional<Value> value_named(const Named<Value> (&names)[N], std::string_view name) {
  for (const Named<Value> &entry : names) {
    if (entry.name == name) return entry.value;
  }
  return std::nullopt;
}

}  // namespace chorus
