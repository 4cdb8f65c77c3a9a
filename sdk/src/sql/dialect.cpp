#include "chorus/sql/dialect.h"

#include "chorus/singer/decimal.h"

namespace chorus::sql {

std::string Dialect::quote(std::string_view name) const {
  return quote_identifier(name, identifier_rules());
}

std::string Dialect::safe_name(std::string_view name) const {
  return safe_identifier(name, identifier_rules());
}

std::string Dialect::grantee(std::string_view entry) const {
  return grantee_prefix() + quote(entry);
}

std::string backslash_escaped_literal(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'' || c == '\\') out.push_back(c);
    out.push_back(c);
  }
  return out + "'";
}

std::string Dialect::string_literal(std::string_view text) const {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out.push_back(c);
    out.push_back(c);
  }
  return out + "'";
}

TableName Dialect::staging_table(const TableName &table) const {
  return {"", safe_name("_chorus_stage_" + table.table)};
}

bool Dialect::checks_values(const LogicalType &type) const {
  return type.kind == TypeKind::Integer || (type.kind == TypeKind::Decimal && type.precision > 0);
}

namespace {

std::optional<singer::DecimalDigits> digit_counts(std::string_view text) {
  if (auto counts = singer::plain_decimal_digits(text)) return counts;
  const std::optional<singer::Decimal> number = singer::parse_decimal(text);
  if (!number) return std::nullopt;
  return singer::DecimalDigits{number->integer_digits(), number->scale()};
}

// Whether an integer column of `bytes` bytes holds `text` for certain: a plain integer with
// fewer digits than the column's bounds. Most values end here.
bool fits_at_a_glance(int bytes, std::string_view text) {
  const std::int64_t safe_digits = bytes == 2 ? 4 : bytes == 4 ? 9 : 18;
  const std::optional<singer::DecimalDigits> counts = singer::plain_decimal_digits(text);
  return counts && counts->scale == 0 && counts->integer_digits <= safe_digits;
}

// Why an integer column of `bytes` bytes cannot hold `text`, or "".
std::string integer_refusal(int bytes, std::string_view text, const std::string &column_type) {
  const int index = bytes == 2 ? 0 : bytes == 4 ? 1 : 2;
  const std::optional<singer::Decimal> number = singer::parse_decimal(text);
  if (!number || !number->is_integer()) return {};  // the validator's or the database's call
  static const char *const kMaxima[] = {"32767", "2147483647", "9223372036854775807"};
  static const char *const kMinima[] = {"-32768", "-2147483648", "-9223372036854775808"};
  const std::string_view bound = number->negative ? kMinima[index] : kMaxima[index];
  const auto limit = singer::parse_decimal(bound);
  const int order = singer::compare(*number, *limit);
  if ((number->negative && order < 0) || (!number->negative && order > 0)) {
    return "it is outside the range of the column (" + column_type + ", " + kMinima[index] +
           " to " + kMaxima[index] + ")";
  }
  return {};
}

}  // namespace

std::string Dialect::refusal(const LogicalType &type, const singer::Value &value) const {
  if (type.kind == TypeKind::Integer && value.kind == singer::ValueKind::Number) {
    if (fits_at_a_glance(type.integer_bytes, value.text)) return {};
    return integer_refusal(type.integer_bytes, value.text, column_type(type));
  }
  if (type.kind != TypeKind::Decimal || type.precision <= 0) return {};
  if (value.kind != singer::ValueKind::Number && value.kind != singer::ValueKind::String) return {};
  const std::optional<singer::DecimalDigits> counts = digit_counts(value.text);
  if (!counts) return {};  // not a number: the database's own error names it
  const std::int64_t whole_digits = type.precision - type.scale;
  if (counts->scale > type.scale) {
    return "it has " + std::to_string(counts->scale) + " digits after the point and the column (" +
           column_type(type) + ") keeps " + std::to_string(type.scale) + ", so it would be rounded";
  }
  if (counts->integer_digits > whole_digits) {
    return "it has " + std::to_string(counts->integer_digits) +
           " digits before the point and the column (" + column_type(type) + ") holds " +
           std::to_string(whole_digits);
  }
  return {};
}

std::string Dialect::qualified(const TableName &table) const {
  if (table.schema.empty()) return quote(table.table);
  return quote(table.schema) + "." + quote(table.table);
}

}  // namespace chorus::sql
