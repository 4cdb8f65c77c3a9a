#include "chorus/sql/postgres_dialect.h"

#include "chorus/plugin/named_values.h"

namespace chorus::sql {

const IdentifierRules &PostgresDialect::identifier_rules() const {
  // NAMEDATALEN - 1: PostgreSQL silently truncates longer names.
  static const IdentifierRules rules{63, '"', CaseFolding::Preserve};
  return rules;
}

namespace {

// The types whose name says all there is to say: the first name of each is the one column_type()
// writes, the others those information_schema and casts also spell it with.
constexpr Named<TypeKind> kPlainTypes[] = {
    {TypeKind::Float, "double precision"},
    {TypeKind::Float, "float8"},
    {TypeKind::Float, "real"},
    {TypeKind::Float, "float4"},
    {TypeKind::Boolean, "boolean"},
    {TypeKind::Boolean, "bool"},
    {TypeKind::Date, "date"},
    {TypeKind::Time, "time"},
    {TypeKind::Time, "time without time zone"},
    {TypeKind::TimeTz, "timetz"},
    {TypeKind::TimeTz, "time with time zone"},
    {TypeKind::Timestamp, "timestamp"},
    {TypeKind::Timestamp, "timestamp without time zone"},
    {TypeKind::TimestampTz, "timestamptz"},
    {TypeKind::TimestampTz, "timestamp with time zone"},
    {TypeKind::Interval, "interval"},
    {TypeKind::Uuid, "uuid"},
    {TypeKind::Json, "jsonb"},
    {TypeKind::Json, "json"},
    {TypeKind::Bytes, "bytea"},
};

}  // namespace

std::string PostgresDialect::column_type(const LogicalType &type) const {
  switch (type.kind) {
    case TypeKind::Integer:
      return type.integer_bytes == 2 ? "smallint" : type.integer_bytes == 4 ? "integer" : "bigint";
    case TypeKind::Decimal:
      if (type.precision <= 0) return "numeric";
      return "numeric(" + std::to_string(type.precision) + "," + std::to_string(type.scale) + ")";
    case TypeKind::Text:
      if (type.max_length) return "varchar(" + std::to_string(*type.max_length) + ")";
      return "text";
    default:
      return std::string(name_of(kPlainTypes, type.kind, "text"));
  }
}

LogicalType PostgresDialect::parse_catalog_type(const CatalogColumn &column) const {
  LogicalType type;
  const std::string &t = column.data_type;
  if (t == "smallint" || t == "int2") {
    type.kind = TypeKind::Integer;
    type.integer_bytes = 2;
  } else if (t == "integer" || t == "int4") {
    type.kind = TypeKind::Integer;
    type.integer_bytes = 4;
  } else if (t == "bigint" || t == "int8") {
    type.kind = TypeKind::Integer;
    type.integer_bytes = 8;
  } else if (t == "numeric") {
    type.kind = TypeKind::Decimal;
    type.precision = column.numeric_precision.value_or(0);
    type.scale = column.numeric_scale.value_or(0);
  } else if (t == "character varying" || t == "varchar") {
    type.kind = TypeKind::Text;
    if (column.character_maximum_length) {
      type.max_length = static_cast<std::size_t>(*column.character_maximum_length);
    }
  } else {
    // text, char(n), enums, anything not listed: only text fits
    type.kind = value_named(kPlainTypes, t).value_or(TypeKind::Text);
  }
  return type;
}

namespace {

// Whether raw JSON text has a \u0000 escape (not an escaped backslash followed by "u0000").
bool has_nul_escape(std::string_view json) {
  for (std::size_t at = json.find("u0000"); at != std::string_view::npos;
       at = json.find("u0000", at + 1)) {
    std::size_t backslashes = 0;
    while (backslashes < at && json[at - 1 - backslashes] == '\\') ++backslashes;
    if (backslashes % 2 == 1) return true;
  }
  return false;
}

}  // namespace

bool PostgresDialect::checks_values(const LogicalType &type) const {
  return Dialect::checks_values(type) || type.kind == TypeKind::Text || type.kind == TypeKind::Json;
}

std::string PostgresDialect::refusal(const LogicalType &type, const singer::Value &value) const {
  if (type.kind == TypeKind::Text && value.kind == singer::ValueKind::String &&
      value.text.find('\0') != std::string_view::npos) {
    return "it contains U+0000, which PostgreSQL text cannot hold";
  }
  if (type.kind == TypeKind::Json) {
    const bool nul =
        value.kind == singer::ValueKind::String
            ? value.text.find('\0') != std::string_view::npos
            : (value.kind == singer::ValueKind::Object || value.kind == singer::ValueKind::Array) &&
                  has_nul_escape(value.text);
    if (nul) return "it contains U+0000, which PostgreSQL jsonb cannot hold";
  }
  return Dialect::refusal(type, value);
}

bool PostgresDialect::can_alter_type(const LogicalType &from, const LogicalType &to) const {
  (void)from;
  (void)to;
  return true;
}

std::string PostgresDialect::alter_type_clause(const std::string &column,
                                               const LogicalType &to) const {
  std::string type = column_type(to);
  return "ALTER COLUMN " + quote(column) + " TYPE " + type + " USING " + quote(column) +
         "::" + type;
}

}  // namespace chorus::sql
