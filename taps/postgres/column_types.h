// How a PostgreSQL column becomes a JSON Schema property and a JSON value.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "chorus/pg/copy_binary.h"
#include "chorus/singer/writer.h"

namespace chorus::tap_postgres {

// How the text the SELECT produces for a column is written into a RECORD.
enum class JsonKind { Integer, Number, Boolean, String, RawJson, Timestamp };

struct ColumnType {
  std::string name;            // column name
  std::string sql_type;        // format_type(): "numeric(12,2)", "character varying(40)", ...
  std::string type_name;       // pg_type.typname: "numeric", "varchar", "_int4", ...
  std::uint32_t type_oid = 0;  // pg_attribute.atttypid
  char type_category = 'X';    // pg_type.typcategory ('A' array, 'E' enum, 'N' numeric, ...)
  int type_modifier = -1;      // pg_attribute.atttypmod
  bool not_null = false;

  // The JSON Schema property (see column_types.cpp for the mapping).
  nlohmann::json json_schema() const;
  // The SELECT expression that yields this column as the text the RECORD needs (base64 for
  // bytea, JSON for arrays), quoted and aliased to its name. Timestamps come as the server's
  // own text (the session uses UTC and ISO datestyle) and become RFC 3339 in add_value():
  // converting them on the server with to_json() doubled the cost of a full-table COPY.
  std::string select_expression() const;
  JsonKind json_kind() const;
  // The binary COPY field that select_expression() yields, when its text form can be read from
  // it (pg::binary::FieldText); nullopt for the types only a text COPY reads here (floating
  // point, intervals, times, and types chorus does not know).
  std::optional<pg::binary::FieldType> binary_field() const;
};

// Writes one value (the text select_expression() produced) as property `name`. A Number must
// be finite (is_finite_number_text()); the caller decides what a NaN becomes.
void add_value(singer::MessageWriter &out, const std::string &name, JsonKind kind,
               std::string_view text);

// False for "NaN", "Infinity" and "-Infinity", which real, double precision and numeric can
// hold and JSON cannot.
bool is_finite_number_text(std::string_view text);

// A timestamp or timestamptz as PostgreSQL writes it under datestyle ISO in time zone UTC
// ("2024-01-01 10:00:00.25+00", "0044-03-15 12:00:00 BC", "infinity") in the form to_json()
// gives ("2024-01-01T10:00:00.25+00:00"). The result views `text` or `buffer`.
std::string_view rfc3339_from_iso_datestyle(std::string_view text, std::string &buffer);

// `name` as a PostgreSQL quoted identifier.
std::string quote_name(std::string_view name);

}  // namespace chorus::tap_postgres
