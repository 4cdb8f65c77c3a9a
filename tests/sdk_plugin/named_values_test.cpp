#include "chorus/plugin/named_values.h"

#include <doctest/doctest.h>

namespace {

using chorus::Named;

enum class Color { Red, Green, Blue };

constexpr Named<Color> kColorNames[] = {
    {Color::Red, "red"}, {Color::Green, "green"}, {Color::Green, "lime"}};

}  // namespace

TEST_CASE("name_of gives the first name listed for a value, and the fallback for one not listed") {
  CHECK(chorus::name_of(kColorNames, Color::Red) == "red");
  CHECK(chorus::name_of(kColorNames, Color::Green) == "green");
  CHECK(chorus::name_of(kColorNames, Color::Blue, "colour") == "colour");
  CHECK(chorus::name_of(kColorNames, Color::Blue).empty());
}

TEST_CASE("value_named reads every name listed, aliases too, and compares exactly") {
  CHECK(chorus::value_named(kColorNames, "lime") == Color::Green);
  CHECK(chorus::value_named(kColorNames, "red") == Color::Red);
  CHECK_FALSE(chorus::value_named(kColorNames, "RED").has_value());
  CHECK_FALSE(chorus::value_named(kColorNames, "blue").has_value());
}

TEST_CASE("value_named_ignoring_case reads a name in any case of its ASCII letters") {
  CHECK(chorus::value_named_ignoring_case(kColorNames, "RED") == Color::Red);
  CHECK(chorus::value_named_ignoring_case(kColorNames, "LiMe") == Color::Green);
  CHECK_FALSE(chorus::value_named_ignoring_case(kColorNames, "reds").has_value());
  CHECK_FALSE(chorus::value_named_ignoring_case(kColorNames, "").has_value());
}

TEST_CASE("equals_ignoring_case folds ASCII letters only") {
  CHECK(chorus::equals_ignoring_case("ACTIVATE_VERSION", "activate_version"));
  CHECK(chorus::equals_ignoring_case("Content-Type", "content-type"));
  CHECK_FALSE(chorus::equals_ignoring_case("record", "records"));
  // '@' (0x40) and '`' (0x60) sit next to the letters; they are not letters of one another.
  CHECK_FALSE(chorus::equals_ignoring_case("@", "`"));
  CHECK_FALSE(chorus::equals_ignoring_case("[", "{"));
  // Bytes beyond ASCII compare exactly: "É" (C3 89) and "é" (C3 A9) differ.
  CHECK_FALSE(chorus::equals_ignoring_case("\xc3\x89", "\xc3\xa9"));
  CHECK(chorus::equals_ignoring_case("\xc3\xa9t\xc3\xa9", "\xc3\xa9T\xc3\xa9"));
}
