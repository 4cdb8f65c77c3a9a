// Exact decimal arithmetic on the text of JSON numbers, for the questions a double cannot
// answer: is 123456789012345678.015 a multiple of 0.01, is 9007199254740993 above
// 9007199254740992, how many digits does 1e-30 need in a NUMERIC(p,s) column.
//
//   auto value = chorus::singer::parse_decimal("-1.50e3");   // -1500
//   value->integer_digits();  // 4
//   value->scale();           // 0
//   value->to_plain();        // "-1500"
//
// Everything here is pure and thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace chorus::singer {

// A decimal number as sign × digits × 10^exponent.
struct Decimal {
  bool negative = false;      // also set for -0, which compares equal to 0
  std::string digits;         // significant digits: no leading or trailing zeros; empty for 0
  std::int64_t exponent = 0;  // power of ten of the last digit

  bool is_zero() const { return digits.empty(); }
  // Digits before the decimal point (0 when |value| < 1) and after it (0 for integers): what a
  // NUMERIC(p,s) column needs, p = integer_digits() + scale().
  std::int64_t integer_digits() const;
  std::int64_t scale() const;
  bool is_integer() const { return exponent >= 0 || digits.empty(); }
  // The value in positional notation without exponent ("-0.000001", "1500", "0"), the form
  // every SQL database reads into its exact numeric type. Exponents beyond
  // kMaxPlainExponent are refused (nullopt) rather than spelled out.
  std::optional<std::string> to_plain() const;
  static constexpr std::int64_t kMaxPlainExponent = 100000;
};

// The value of a JSON number ("-12.5e-3", "0", "1E400"); nullopt when `text` is not one.
// Exponents beyond ±10^15 are clamped there (no value that large or small has a use).
std::optional<Decimal> parse_decimal(std::string_view text);

// The digits a number needs before and after its point, as Decimal counts them
// (integer_digits(), scale()).
struct DecimalDigits {
  std::int64_t integer_digits = 0;
  std::int64_t scale = 0;
};

// The DecimalDigits of a plain "[-]digits[.digits]" (the form most numbers in records have),
// without building a Decimal; nullopt for any other text (exponents, "+1", ".5"), which
// parse_decimal() answers.
std::optional<DecimalDigits> plain_decimal_digits(std::string_view text);

// The value of a number in a JSON document parsed by nlohmann::json (a schema keyword such as
// "maximum"): integers exactly, doubles as the shortest text that reads back as that double
// (0.01 -> 0.01). nullopt when `number` is not a number.
std::optional<Decimal> decimal_of(const nlohmann::json &number);

// -1, 0 or 1 as a is less than, equal to or greater than b; -0 equals 0.
int compare(const Decimal &a, const Decimal &b);

// Whether value / step is an integer, exactly. `step` must be positive. Steps of more than 18
// significant digits are answered in double precision (no schema in the wild has them).
bool is_multiple_of(const Decimal &value, const Decimal &step);

}  // namespace chorus::singer
