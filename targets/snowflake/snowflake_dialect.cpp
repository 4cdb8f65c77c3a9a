#include "snowflake_dialect.h"

#include <algorithm>

namespace chorus::target_snowflake {

using sql::LogicalType;
using sql::TypeKind;

const sql::IdentifierRules &SnowflakeDialect::identifier_rules() const {
  static const sql::IdentifierRules rules{255, '"', sql::CaseFolding::Upper};
  return rules;
}

std::string SnowflakeDialect::column_type(const LogicalType &type) const {
  switch (type.kind) {
    case TypeKind::Integer:
      return "NUMBER(38,0)";
    case TypeKind::Decimal: {
      if (type.precision <= 0) return "NUMBER(38,9)";
      int precision = std::min(type.precision, 38);
      return "NUMBER(" + std::to_string(precision) + "," +
             std::to_string(std::min(type.scale, precision)) + ")";
    }
    case TypeKind::Float:
      return "FLOAT";
    case TypeKind::Boolean:
      return "BOOLEAN";
    case TypeKind::Text:
      return type.max_length ? "VARCHAR(" + std::to_string(*type.max_length) + ")" : "VARCHAR";
    case TypeKind::Date:
      return "DATE";
    case TypeKind::Time:
      return "TIME";
    case TypeKind::Timestamp:
      return "TIMESTAMP_NTZ";
    case TypeKind::TimestampTz:
      return "TIMESTAMP_TZ";
    case TypeKind::Json:
      return "VARIANT";
    case TypeKind::TimeTz:  // Snowflake's TIME has no offset: the RFC 3339 text is kept
    case TypeKind::Interval:
    case TypeKind::Uuid:
    case TypeKind::Bytes:
      return "VARCHAR";
  }
  return "VARCHAR";
}

LogicalType SnowflakeDialect::parse_catalog_type(const sql::CatalogColumn &column) const {
  LogicalType type;
  std::string t = column.data_type;
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::toupper(c); });
  if (t == "NUMBER" || t == "DECIMAL" || t == "NUMERIC") {
    if (column.numeric_scale.value_or(0) == 0 && column.numeric_precision.value_or(38) == 38) {
      type.kind = TypeKind::Integer;
    } else {
      type.kind = TypeKind::Decimal;
      type.precision = column.numeric_precision.value_or(38);
      type.scale = column.numeric_scale.value_or(0);
    }
  } else if (t == "FLOAT" || t == "DOUBLE" || t == "REAL") {
    type.kind = TypeKind::Float;
  } else if (t == "BOOLEAN") {
    type.kind = TypeKind::Boolean;
  } else if (t == "TEXT" || t == "VARCHAR" || t == "STRING") {
    type.kind = TypeKind::Text;
    // 16777216 is Snowflake's default (and maximum) length: unbounded.
    if (column.character_maximum_length && *column.character_maximum_length < 16777216) {
      type.max_length = static_cast<std::size_t>(*column.character_maximum_length);
    }
  } else if (t == "DATE") {
    type.kind = TypeKind::Date;
  } else if (t == "TIME") {
    type.kind = TypeKind::Time;
  } else if (t == "TIMESTAMP_NTZ") {
    type.kind = TypeKind::Timestamp;
  } else if (t == "TIMESTAMP_TZ" || t == "TIMESTAMP_LTZ") {
    type.kind = TypeKind::TimestampTz;
  } else if (t == "VARIANT" || t == "OBJECT" || t == "ARRAY") {
    type.kind = TypeKind::Json;
  }
  return type;
}

bool SnowflakeDialect::can_alter_type(const LogicalType &from, const LogicalType &to) const {
  if (from.kind == TypeKind::Text && to.kind == TypeKind::Text) return true;
  return from.kind == TypeKind::Decimal && to.kind == TypeKind::Decimal && from.scale == to.scale;
}

std::string SnowflakeDialect::alter_type_clause(const std::string &column,
                                                const LogicalType &to) const {
  return "ALTER COLUMN " + quote(column) + " SET DATA TYPE " + column_type(to);
}

std::string SnowflakeDialect::string_literal(std::string_view text) const {
  return sql::backslash_escaped_literal(text);
}

sql::TableName SnowflakeDialect::staging_table(const sql::TableName &table) const {
  sql::TableName staging = sql::Dialect::staging_table(table);
  staging.schema = table.schema;
  return staging;
}

}  // namespace chorus::target_snowflake
