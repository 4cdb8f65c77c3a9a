#include "chorus/singer/decimal.h"

#include <doctest/doctest.h>

#include <string>

using namespace chorus::singer;

namespace {

Decimal d(std::string_view text) {
  auto value = parse_decimal(text);
  REQUIRE(value.has_value());
  return *value;
}

}  // namespace

TEST_CASE("parse_decimal keeps every digit and normalises zeros and exponents") {
  CHECK(d("-1.50e3").digits == "15");
  CHECK(d("-1.50e3").exponent == 2);
  CHECK(d("-1.50e3").negative);
  CHECK(d("0.000").is_zero());
  CHECK(d("-0").is_zero());
  CHECK(d("99999999999999999999999999999999999999").digits.size() == 38);
  CHECK(d("1e-30").scale() == 30);
  CHECK(d("1e-30").integer_digits() == 0);
  CHECK(d("123.4500").scale() == 2);
  CHECK(d("123.4500").integer_digits() == 3);
  CHECK(d("1E+2").integer_digits() == 3);
  for (const char *bad : {"", "-", "01", "1.", ".5", "1e", "1e+", "+1", "1x", "NaN", "Infinity"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_decimal(bad).has_value());
  }
}

TEST_CASE("plain_decimal_digits counts a plain number's digits as Decimal does") {
  for (const char *text : {"0", "-0", "7", "-12.340", "0.001", "100", "9.000", "-0.000",
                           "12345678901234567890.000123"}) {
    const std::string shown = text;
    CAPTURE(shown);
    const auto digits = plain_decimal_digits(text);
    const auto number = parse_decimal(text);
    REQUIRE(digits.has_value());
    REQUIRE(number.has_value());
    CHECK(digits->integer_digits == number->integer_digits());
    CHECK(digits->scale == number->scale());
  }
  // Leading zeros, which JSON numbers do not have but string values may: not counted.
  const auto padded = plain_decimal_digits("000123.4500");
  REQUIRE(padded.has_value());
  CHECK(padded->integer_digits == 3);
  CHECK(padded->scale == 2);
  for (const char *text : {"1e5", "-1.5E-3", "+1", ".5", "5.", "", "-", "1.2.3", " 1", "NaN"}) {
    CHECK_MESSAGE(!plain_decimal_digits(text).has_value(), text);
  }
}

TEST_CASE("to_plain spells the value without exponent, and refuses absurd exponents") {
  CHECK(d("1e-30").to_plain() == "0.000000000000000000000000000001");
  CHECK(d("-1.5e3").to_plain() == "-1500");
  CHECK(d("12.340").to_plain() == "12.34");
  CHECK(d("0e10").to_plain() == "0");
  CHECK(d("1.25e1").to_plain() == "12.5");
  CHECK_FALSE(d("1e999999").to_plain().has_value());
}

TEST_CASE("compare is exact beyond double precision") {
  CHECK(compare(d("9007199254740993"), d("9007199254740992")) == 1);
  CHECK(compare(d("-9007199254740993"), d("-9007199254740992")) == -1);
  CHECK(compare(d("1.10"), d("1.1")) == 0);
  CHECK(compare(d("-0"), d("0")) == 0);
  CHECK(compare(d("1e-999"), d("0")) == 1);
  CHECK(compare(d("-1e999"), d("-1e998")) == -1);
  CHECK(compare(d("123456789012345678901234567890"), d("1.2345678901234568e29")) == -1);
}

TEST_CASE("is_multiple_of decides exactly") {
  CHECK(is_multiple_of(d("123456789012345678.01"), d("0.01")));
  CHECK_FALSE(is_multiple_of(d("123456789012345678.015"), d("0.01")));
  CHECK(is_multiple_of(d("19.99"), d("0.01")));
  CHECK_FALSE(is_multiple_of(d("19.995"), d("0.01")));
  CHECK(is_multiple_of(d("1e300"), d("7e299")) == false);
  CHECK(is_multiple_of(d("7e300"), d("7")));
  CHECK(is_multiple_of(d("0"), d("0.3")));
  CHECK(is_multiple_of(d("0.9"), d("0.3")));
  CHECK_FALSE(is_multiple_of(d("1"), d("0.3")));
}

TEST_CASE("decimal_of reads schema numbers: integers exactly, doubles by their shortest text") {
  CHECK(compare(*decimal_of(nlohmann::json(0.01)), d("0.01")) == 0);
  CHECK(compare(*decimal_of(nlohmann::json(std::uint64_t{18446744073709551615u})),
                d("18446744073709551615")) == 0);
  CHECK(compare(*decimal_of(nlohmann::json(-5)), d("-5")) == 0);
  CHECK_FALSE(decimal_of(nlohmann::json("5")).has_value());
}
