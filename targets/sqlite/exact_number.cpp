#include "exact_number.h"

#include <charconv>
#include <cmath>

#include "chorus/singer/decimal.h"

namespace chorus::sqlite_target {
namespace {

// Up to 15 significant digits and no exponent: every such decimal survives a trip through a
// double (DBL_DIG), so no exact comparison is needed.
bool surely_double_exact(std::string_view text) {
  int significant = 0;
  bool leading = true;
  for (const char c : text) {
    if (c == 'e' || c == 'E') return false;
    if (c < '0' || c > '9') continue;
    if (leading && c == '0') continue;
    leading = false;
    ++significant;
  }
  return significant <= 15;
}

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
  if (surely_double_exact(text)) return value;
  char shortest[32];
  const auto printed = std::to_chars(shortest, shortest + sizeof shortest, value);
  const auto back = singer::parse_decimal(std::string_view(shortest, printed.ptr - shortest));
  const auto sent = singer::parse_decimal(text);
  if (back && sent && singer::compare(*back, *sent) == 0) return value;
  return text;
}

}  // namespace chorus::sqlite_target
