// How a PostgreSQL column becomes a JSON Schema property and a JSON value.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "chorus/singer/writer.h"

namespace chorus::tap_postgres {

// How the text the SELECT produces for a column is written into a RECORD.
enum class JsonKind { Integer, Number, Boolean, String, RawJson };

struct ColumnType {
  std::string name;          // column name
  std::string sql_type;      // format_type(): "numeric(12,2)", "character varying(40)", ...
  std::string type_name;     // pg_type.typname: "numeric", "varchar", "_int4", ...
  char type_category = 'X';  // pg_type.typcategory ('A' array, 'E' enum, 'N' numeric, ...)
  int type_modifier = -1;    // pg_attribute.atttypmod
  bool not_null = false;

  // The JSON Schema property (see column_types.cpp for the mapping).
  nlohmann::json json_schema() const;
  // The SELECT expression that yields this column as the text the RECORD needs (RFC 3339 for
  // timestamps, base64 for bytea, JSON for arrays), quoted and aliased to its name.
  std::string select_expression() const;
  JsonKind json_kind() const;
};

// Writes one value (the text select_expression() produced) as property `name`.
void add_value(singer::MessageWriter &out, const std::string &name, JsonKind kind,
               std::string_view text);

// `name` as a PostgreSQL quoted identifier.
std::string quote_name(std::string_view name);

}  // namespace chorus::tap_postgres
