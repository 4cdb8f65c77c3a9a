// Decimal: exact comparisons and fits on JSON number text.
#include "chorus/singer/decimal.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace chorus::singer {
namespace {

constexpr std::int64_t kExponentClamp = 1'000'000'000'000'000;

// Products of two remainders below 10^18 need 128 bits (GCC and Clang have them).
__extension__ typedef unsigned __int128 Wide;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// (base ^ power) mod modulus, for modulus < 10^18.
std::uint64_t power_mod(std::uint64_t base, std::int64_t power, std::uint64_t modulus) {
  Wide result = 1 % modulus;
  Wide square = base % modulus;
  while (power > 0) {
    if (power & 1) result = result * square % modulus;
    square = square * square % modulus;
    power >>= 1;
  }
  return static_cast<std::uint64_t>(result);
}

}  // namespace

std::int64_t Decimal::integer_digits() const {
  if (digits.empty()) return 0;
  return std::max<std::int64_t>(0, static_cast<std::int64_t>(digits.size()) + exponent);
}

std::int64_t Decimal::scale() const { return exponent < 0 ? -exponent : 0; }

std::optional<std::string> Decimal::to_plain() const {
  if (digits.empty()) return std::string("0");
  if (exponent > kMaxPlainExponent || exponent < -kMaxPlainExponent) return std::nullopt;
  std::string out = negative ? "-" : "";
  const auto size = static_cast<std::int64_t>(digits.size());
  if (exponent >= 0) {
    out += digits;
    out.append(static_cast<std::size_t>(exponent), '0');
  } else if (size + exponent > 0) {
    out += digits.substr(0, static_cast<std::size_t>(size + exponent));
    out += '.';
    out += digits.substr(static_cast<std::size_t>(size + exponent));
  } else {
    out += "0.";
    out.append(static_cast<std::size_t>(-(size + exponent)), '0');
    out += digits;
  }
  return out;
}

std::optional<DecimalDigits> plain_decimal_digits(std::string_view text) {
  std::size_t at = !text.empty() && text[0] == '-' ? 1 : 0;
  const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  const std::size_t whole_begin = at;
  while (at < text.size() && text[at] == '0') ++at;
  const std::size_t significant_begin = at;
  while (at < text.size() && is_digit(text[at])) ++at;
  if (at == whole_begin) return std::nullopt;
  DecimalDigits digits{static_cast<std::int64_t>(at - significant_begin), 0};
  if (at < text.size() && text[at] == '.') {
    const std::size_t fraction_begin = ++at;
    std::size_t last_nonzero = fraction_begin;
    while (at < text.size() && is_digit(text[at])) {
      if (text[at] != '0') last_nonzero = at + 1;
      ++at;
    }
    if (at == fraction_begin) return std::nullopt;
    digits.scale = static_cast<std::int64_t>(last_nonzero - fraction_begin);
  }
  if (at != text.size()) return std::nullopt;
  return digits;
}

std::optional<Decimal> parse_decimal(std::string_view text) {
  Decimal out;
  std::size_t i = 0;
  if (i < text.size() && text[i] == '-') {
    out.negative = true;
    ++i;
  }
  const std::size_t int_begin = i;
  while (i < text.size() && is_digit(text[i])) ++i;
  const std::string_view whole = text.substr(int_begin, i - int_begin);
  if (whole.empty() || (whole.size() > 1 && whole[0] == '0')) return std::nullopt;
  std::string_view fraction;
  if (i < text.size() && text[i] == '.') {
    const std::size_t begin = ++i;
    while (i < text.size() && is_digit(text[i])) ++i;
    fraction = text.substr(begin, i - begin);
    if (fraction.empty()) return std::nullopt;
  }
  std::int64_t exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exponent_negative = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) exponent_negative = text[i++] == '-';
    const std::size_t begin = i;
    while (i < text.size() && is_digit(text[i])) {
      if (exponent < kExponentClamp) exponent = exponent * 10 + (text[i] - '0');
      ++i;
    }
    if (i == begin) return std::nullopt;
    exponent = std::min(exponent, kExponentClamp);
    if (exponent_negative) exponent = -exponent;
  }
  if (i != text.size()) return std::nullopt;

  std::string digits;
  digits.reserve(whole.size() + fraction.size());
  digits.append(whole);
  digits.append(fraction);
  exponent -= static_cast<std::int64_t>(fraction.size());
  const std::size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) {
    out.exponent = 0;
    return out;  // zero, sign kept
  }
  const std::size_t last = digits.find_last_not_of('0');
  exponent += static_cast<std::int64_t>(digits.size() - 1 - last);
  out.digits = digits.substr(first, last - first + 1);
  out.exponent = exponent;
  return out;
}

std::optional<Decimal> decimal_of(const nlohmann::json &number) {
  if (number.is_number_unsigned())
    return parse_decimal(std::to_string(number.get<std::uint64_t>()));
  if (number.is_number_integer()) return parse_decimal(std::to_string(number.get<std::int64_t>()));
  if (!number.is_number_float()) return std::nullopt;
  const double value = number.get<double>();
  if (!std::isfinite(value)) return std::nullopt;
  char text[64];
  const auto result = std::to_chars(text, text + sizeof text, value);
  return parse_decimal(std::string_view(text, static_cast<std::size_t>(result.ptr - text)));
}

int compare(const Decimal &a, const Decimal &b) {
  const bool a_zero = a.is_zero();
  const bool b_zero = b.is_zero();
  if (a_zero && b_zero) return 0;
  const int a_sign = a_zero ? 0 : (a.negative ? -1 : 1);
  const int b_sign = b_zero ? 0 : (b.negative ? -1 : 1);
  if (a_sign != b_sign) return a_sign < b_sign ? -1 : 1;
  // Same sign, both non-zero: compare magnitudes, then flip for negatives.
  const std::int64_t a_top = static_cast<std::int64_t>(a.digits.size()) + a.exponent;
  const std::int64_t b_top = static_cast<std::int64_t>(b.digits.size()) + b.exponent;
  int magnitude = 0;
  if (a_top != b_top) {
    magnitude = a_top < b_top ? -1 : 1;
  } else {
    const std::size_t n = std::max(a.digits.size(), b.digits.size());
    for (std::size_t i = 0; i < n && magnitude == 0; ++i) {
      const char x = i < a.digits.size() ? a.digits[i] : '0';
      const char y = i < b.digits.size() ? b.digits[i] : '0';
      if (x != y) magnitude = x < y ? -1 : 1;
    }
  }
  return a_sign < 0 ? -magnitude : magnitude;
}

bool is_multiple_of(const Decimal &value, const Decimal &step) {
  if (value.is_zero()) return true;
  if (step.is_zero()) return false;
  // value / step = (a / b) * 10^(ea - eb). The digits a carry no trailing zero, so a negative
  // power of ten can never be made whole.
  if (value.exponent < step.exponent) return false;
  if (step.digits.size() > 18) {
    const double quotient = std::stod(value.digits) / std::stod(step.digits) *
                            std::pow(10.0, static_cast<double>(value.exponent - step.exponent));
    return std::fabs(quotient - std::round(quotient)) <= 1e-9 * std::max(1.0, std::fabs(quotient));
  }
  std::uint64_t modulus = 0;
  std::from_chars(step.digits.data(), step.digits.data() + step.digits.size(), modulus);
  Wide remainder = 0;
  for (const char c : value.digits) remainder = (remainder * 10 + (c - '0')) % modulus;
  remainder = remainder * power_mod(10, value.exponent - step.exponent, modulus) % modulus;
  return remainder == 0;
}

}  // namespace chorus::singer
