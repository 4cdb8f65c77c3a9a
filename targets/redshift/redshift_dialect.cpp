#include "redshift_dialect.h"

#include <algorithm>

#include "chorus/sql/postgres_dialect.h"

namespace chorus::target_redshift {

using sql::LogicalType;
using sql::TypeKind;

const sql::IdentifierRules &RedshiftDialect::identifier_rules() const {
  // Redshift folds identifiers, quoted or not, to lower case (unless the cluster enables
  // case-sensitive identifiers); folding here lets the planner see collisions first.
  static const sql::IdentifierRules redshift{127, '"', sql::CaseFolding::Lower};
  static const sql::IdentifierRules standin{63, '"', sql::CaseFolding::Lower};
  return standin_ ? standin : redshift;
}

std::string RedshiftDialect::column_type(const LogicalType &type) const {
  switch (type.kind) {
    case TypeKind::Integer:
      return type.integer_bytes == 2 ? "SMALLINT" : type.integer_bytes == 4 ? "INTEGER" : "BIGINT";
    case TypeKind::Decimal:
      return type.precision <= 0 ? "NUMERIC(38,9)" : bounded_decimal("NUMERIC", type);
    case TypeKind::Float:
      return "DOUBLE PRECISION";
    case TypeKind::Boolean:
      return "BOOLEAN";
    case TypeKind::Text:
      return "VARCHAR(" + std::to_string(varchar_bytes(type)) + ")";
    case TypeKind::Date:
      return "DATE";
    case TypeKind::Time:
      return "TIME";
    case TypeKind::TimeTz:
      return "TIMETZ";
    case TypeKind::Timestamp:
      return "TIMESTAMP";
    case TypeKind::TimestampTz:
      return "TIMESTAMPTZ";
    case TypeKind::Interval:
      return "VARCHAR(64)";
    case TypeKind::Uuid:
      return "VARCHAR(36)";
    case TypeKind::Json:
      return standin_ ? "JSONB" : "SUPER";
    case TypeKind::Bytes:
      return "VARCHAR(65535)";
  }
  return "VARCHAR(65535)";
}

LogicalType RedshiftDialect::parse_catalog_type(const sql::CatalogColumn &column) const {
  // Redshift's catalog names types as PostgreSQL's does (it also answers in upper case); read
  // here are only its own names and aliases and its VARCHAR lengths, which count bytes.
  sql::CatalogColumn lowered = column;
  std::string &t = lowered.data_type;
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
  LogicalType type;
  if (t == "int") {
    t = "integer";
  } else if (t == "numeric" || t == "decimal") {
    type.kind = TypeKind::Decimal;
    type.precision = column.numeric_precision.value_or(38);
    type.scale = column.numeric_scale.value_or(0);
    return type;
  } else if (t == "character varying" || t == "varchar" || t == "character" || t == "char") {
    // As characters, a length in bytes holds at least a quarter of that.
    if (column.character_maximum_length) {
      std::size_t bytes = static_cast<std::size_t>(*column.character_maximum_length);
      if (bytes < kMaxVarcharBytes) type.max_length = bytes / 4;
    }
    return type;
  } else if (t == "super") {
    type.kind = TypeKind::Json;
    return type;
  }
  return sql::PostgresDialect().parse_catalog_type(lowered);
}

std::string RedshiftDialect::bounded_decimal(std::string_view keyword, const LogicalType &type) {
  int precision = std::min(type.precision, 38);
  int scale = std::min(type.scale, precision);
  return std::string(keyword) + "(" + std::to_string(precision) + "," + std::to_string(scale) + ")";
}

std::size_t RedshiftDialect::varchar_bytes(const LogicalType &type) {
  if (!type.max_length) return kMaxVarcharBytes;
  return std::min(kMaxVarcharBytes, std::max<std::size_t>(1, *type.max_length * 4));
}

bool RedshiftDialect::checks_values(const LogicalType &type) const {
  return sql::Dialect::checks_values(type) || type.kind == TypeKind::Text;
}

std::string RedshiftDialect::refusal(const LogicalType &type, const singer::Value &value) const {
  if (type.kind == TypeKind::Text && value.kind == singer::ValueKind::String &&
      value.text.find('\0') != std::string_view::npos) {
    return "it contains U+0000, which Redshift VARCHAR cannot hold";
  }
  if (type.kind == TypeKind::Text && value.kind == singer::ValueKind::String &&
      value.text.size() > varchar_bytes(type)) {
    return "it takes " + std::to_string(value.text.size()) +
           " bytes of UTF-8 and the column (VARCHAR(" + std::to_string(varchar_bytes(type)) +
           ")) holds " + std::to_string(varchar_bytes(type)) +
           " bytes (the setting long_text: truncate cuts such values to fit)";
  }
  return sql::Dialect::refusal(type, value);
}

bool RedshiftDialect::can_alter_type(const LogicalType &from, const LogicalType &to) const {
  return from.kind == TypeKind::Text && to.kind == TypeKind::Text;
}

std::string RedshiftDialect::alter_type_clause(const std::string &column,
                                               const LogicalType &to) const {
  return "ALTER COLUMN " + quote(column) + " TYPE " + column_type(to);
}

std::string RedshiftDialect::grantee(std::string_view entry) const {
  auto starts_with = [entry](std::string_view upper, std::string_view lower) {
    return entry.substr(0, upper.size()) == upper || entry.substr(0, lower.size()) == lower;
  };
  if (starts_with("GROUP ", "group ")) return "GROUP " + quote(entry.substr(6));
  if (starts_with("ROLE ", "role ")) return "ROLE " + quote(entry.substr(5));
  return quote(entry);
}

std::string RedshiftDialect::string_literal(std::string_view text) const {
  if (standin_) return sql::Dialect::string_literal(text);
  return sql::backslash_escaped_literal(text);
}

}  // namespace chorus::target_redshift
