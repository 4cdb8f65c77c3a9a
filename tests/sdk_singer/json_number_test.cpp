#include "chorus/singer/json_number.h"

#include <doctest/doctest.h>

#include <cstdint>

using chorus::singer::canonical_integer;
using chorus::singer::is_json_number;

TEST_CASE("is_json_number accepts the numbers of the RFC 8259 grammar") {
  for (const char *text : {"0", "-0", "7", "-12", "12.50", "0.5", "1e9", "1E+9", "-2.5e-3",
                           "123456789012345678901234567890"}) {
    CAPTURE(text);
    CHECK(is_json_number(text));
  }
}

TEST_CASE("is_json_number refuses what JSON does not call a number") {
  for (const char *text : {"", "-", "+1", "01", "-01", ".5", "5.", "1e", "1e+", "0x10", "1 ", " 1",
                           "NaN", "Infinity", "1.2.3", "--1"}) {
    CAPTURE(text);
    CHECK_FALSE(is_json_number(text));
  }
}

TEST_CASE("canonical_integer reads an integer in its one spelling within int64, nothing else") {
  CHECK(canonical_integer("0") == 0);
  CHECK(canonical_integer("12") == 12);
  CHECK(canonical_integer("-12") == -12);
  CHECK(canonical_integer("9223372036854775807") == INT64_MAX);
  CHECK(canonical_integer("-9223372036854775808") == INT64_MIN);
  // Other spellings of the same numbers, and what is beyond int64 or not an integer.
  for (const char *text : {"", "-", "-0", "012", "+12", "12.0", "1e1", " 12", "12 ", "0x1",
                           "9223372036854775808", "-9223372036854775809"}) {
    CAPTURE(text);
    CHECK_FALSE(canonical_integer(text).has_value());
  }
}
