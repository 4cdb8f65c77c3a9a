#include "redshift_dialect.h"

#include <algorithm>

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
    case TypeKind::Decimal: {
      if (type.precision <= 0) return "NUMERIC(38,9)";
      int precision = std::min(type.precision, 38);
      int scale = std::min(type.scale, precision);
      return "NUMERIC(" + std::to_string(precision) + "," + std::to_string(scale) + ")";
    }
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
  LogicalType type;
  std::string t = column.data_type;
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
  if (t == "smallint" || t == "int2") {
    type.kind = TypeKind::Integer;
    type.integer_bytes = 2;
  } else if (t == "integer" || t == "int4" || t == "int") {
    type.kind = TypeKind::Integer;
    type.integer_bytes = 4;
  } else if (t == "bigint" || t == "int8") {
    type.kind = TypeKind::Integer;
  } else if (t == "numeric" || t == "decimal") {
    type.kind = TypeKind::Decimal;
    type.precision = column.numeric_precision.value_or(38);
    type.scale = column.numeric_scale.value_or(0);
  } else if (t == "double precision" || t == "float8" || t == "real" || t == "float4") {
    type.kind = TypeKind::Float;
  } else if (t == "boolean" || t == "bool") {
    type.kind = TypeKind::Boolean;
  } else if (t == "character varying" || t == "varchar" || t == "character" || t == "char") {
    // Redshift lengths are bytes; as characters they hold at least a quarter of that.
    type.kind = TypeKind::Text;
    if (column.character_maximum_length) {
      std::size_t bytes = static_cast<std::size_t>(*column.character_maximum_length);
      if (bytes < kMaxVarcharBytes) type.max_length = bytes / 4;
    }
  } else if (t == "date") {
    type.kind = TypeKind::Date;
  } else if (t == "time without time zone" || t == "time") {
    type.kind = TypeKind::Time;
  } else if (t == "time with time zone" || t == "timetz") {
    type.kind = TypeKind::TimeTz;
  } else if (t == "timestamp without time zone" || t == "timestamp") {
    type.kind = TypeKind::Timestamp;
  } else if (t == "timestamp with time zone" || t == "timestamptz") {
    type.kind = TypeKind::TimestampTz;
  } else if (t == "super" || t == "jsonb" || t == "json") {
    type.kind = TypeKind::Json;
  }
  return type;
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
