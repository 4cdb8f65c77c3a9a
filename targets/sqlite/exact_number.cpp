#include "exact_number.h"

#include <charconv>
#include <cmath>

#include "chorus/singer/decimal.h"

namespace chorus::target_sqlite {
namespace {

bool plain_integer(std::string_view text, std::int64_t &out) {
  if (text == "-0") return false;  // -0 is a double's; as an integer it would lose its sign
  const auto result = std::from_chars(text.data(), text.data() + text.size(), out);
  return result.ec == std::errc() && result.ptr == text.data() + text.size();
}

}  // namespace

bool integer_value(std::string_view json_number, std::int64_t &out) {
  if (plain_integer(json_number, out)) return true;
  const auto exact = singer::parse_decimal(json_number);
  if (!exact || !exact->is_integer() || exact->integer_digits() > 19) return false;
  const auto plain = exact->to_plain();
  if (!plain) return false;
  const auto result = std::from_chars(plain->data(), plain->data() + plain->size(), out);
  return result.ec == std::errc() && result.ptr == plain->data() + plain->size();
}

StoredNumber stored_number(std::string_view text) {
  std::int64_t whole = 0;
  if (plain_integer(text, whole)) return whole;
  double value = 0;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  if (result.ec != std::errc() || result.ptr != text.data() + text.size() ||
      !std::isfinite(value)) {
    return text;  // beyond double's range (1e999, 1e-999) or not a number at all
  }
  // REAL only when the double's shortest form is the text as sent, so that every number reads
  // back digit for digit: 0.5 and -0 are REAL; 1234.50, 1.5E+3 and 0.1000000000000000055 stay
  // TEXT (a REAL would print 1234.5, 1500.0 and 0.1).
  char shortest[32];
  const auto printed = std::to_chars(shortest, shortest + sizeof shortest, value);
  if (std::string_view(shortest, static_cast<std::size_t>(printed.ptr - shortest)) == text) {
    return value;
  }
  return text;
}

}  // namespace chorus::target_sqlite
