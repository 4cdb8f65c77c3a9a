// The types tap-csv gives a column, how it recognises them in text, and how it writes them as
// JSON Schema.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "chorus/singer/json_number.h"

namespace chorus::tap_csv {

enum class ColumnType { Integer, Number, Boolean, DateTime, Date, String, Json };

// {"type": [..., "null"], "format": ...}: every CSV column is nullable.
nlohmann::json json_schema_of(ColumnType type);
// The column type a declared JSON Schema property asks for (first non-null type; "format").
ColumnType column_type_of(const nlohmann::json &property_schema);
std::string_view to_string(ColumnType type);

// -?(0|[1-9][0-9]*) that fits in a signed 64-bit integer.
bool is_integer_text(std::string_view text);
// A JSON number (RFC 8259 grammar), so it can be written into a message as is.
using singer::is_json_number;
// true/false in any letter case.
bool parse_boolean(std::string_view text, bool &value);
// YYYY-MM-DD.
bool is_date_text(std::string_view text);

// An ISO 8601 timestamp, parsed: "YYYY-MM-DD[T| ]HH:MM[:SS[.fraction]][Z|+HH:MM|+HHMM|+HH]".
struct Timestamp {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  std::string_view fraction;  // digits after the '.', possibly empty
  bool has_offset = false;    // false: a naive timestamp, taken as UTC
  int offset_minutes = 0;
};
bool parse_timestamp(std::string_view text, Timestamp &out);

// Appends the RFC 3339 form: 'T' separator, seconds always present, 'Z' for UTC or naive time,
// otherwise the original offset as +HH:MM.
void append_rfc3339(std::string &out, const Timestamp &ts);
// Appends a key that orders timestamps in time when compared as strings: the instant in UTC as
// 12 digits of seconds since year 0 and 9 digits of fraction.
void append_utc_sort_key(std::string &out, const Timestamp &ts);

}  // namespace chorus::tap_csv
