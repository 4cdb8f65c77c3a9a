// The warehouse-neutral type of a column, derived from a stream's JSON Schema property.
//
// Mapping (first rule that matches wins; "null" in a type list, or a {"type":"null"} branch of
// anyOf, only makes the column nullable):
//  - "x-sql-type": "<kind>"           -> that kind (see to_string(TypeKind) for the names); used
//                                       by taps to say what JSON Schema cannot, e.g. "timestamp"
//                                       (without time zone) or "decimal" (exact, unconstrained).
//  - "integer"                        -> Integer; 2, 4 or 8 bytes from "minimum"/"maximum"
//                                       (8 when either is absent). Integer bounds beyond 64 bits
//                                       -> Decimal(precision 38, scale 0).
//  - "x-sql-datatype": "decimal(12,2)" (the Meltano SDK's hint; also numeric, number,
//    double, float, real)             -> Decimal(12, 2) / Float; other hints are ignored
//  - "x-singer.decimal": {"precision": p, "scale": s}, or "format": "singer.decimal" with
//    "scale_precision": "(p,s)" (beside it or inside "additionalProperties"), on a number or a
//    string property                   -> Decimal(p, s); without p and s: unconstrained Decimal
//  - "number" with "x-sql-precision" (and optional "x-sql-scale", default 0)
//                                     -> Decimal(precision, scale)
//  - "number" with "multipleOf" m     -> Decimal with the scale of m (0.01 -> 2, 0.25 -> 2,
//                                       5 -> 0); precision p from "maximum" 10^(p-s) when given
//                                       (the pipelinewise convention), else unconstrained (0)
//                                       with the scale kept as the least a column needs
//  - "number"                         -> Decimal, unconstrained: exact. A dialect whose
//                                       decimals are bounded sizes such a column from the
//                                       values it sees (see size_decimals_from_data()).
//                                       TypeOptions::numbers_as_float makes it Float instead.
//  - "boolean"                        -> Boolean
//  - "object" or "array"              -> Json
//  - "string" with "format":
//       "date-time" -> TimestampTz, "date" -> Date, "time" -> TimeTz (RFC 3339 times carry
//       an offset; one without is UTC), "uuid" -> Uuid,
//       "duration" -> Interval (ISO 8601 text)
//  - "string" with "contentEncoding": "base64" -> Bytes
//  - "string"                         -> Text, with "maxLength" kept as max_length
//  - a property with several non-null types (["string","integer"]) or no type -> Json, which
//    stores every JSON value without loss.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace chorus::sql {

enum class TypeKind {
  Integer,
  Decimal,
  Float,
  Boolean,
  Text,
  Date,
  Time,         // without offset
  TimeTz,       // with its offset
  Timestamp,    // without time zone
  TimestampTz,  // with time zone
  Interval,
  Uuid,
  Json,
  Bytes
};

// "integer", "decimal", "float", "boolean", "text", "date", "time", "timetz", "timestamp",
// "timestamptz",
// "interval", "uuid", "json", "bytes".
std::string_view to_string(TypeKind kind);
std::optional<TypeKind> parse_type_kind(std::string_view name);

struct LogicalType {
  TypeKind kind = TypeKind::Text;
  int integer_bytes = 8;  // Integer: 2, 4 or 8
  int precision = 0;      // Decimal: total digits; 0 means unconstrained
  int scale = 0;  // Decimal: digits after the point (unconstrained: the least a column needs)
  std::optional<std::size_t> max_length;  // Text: maximum characters; none means unbounded
  bool nullable = true;

  // "integer(8)", "decimal(12,2)", "text(40)", "timestamptz", ... for messages and tests.
  std::string describe() const;
};

// Equal kind and parameters; nullability is ignored (columns are created nullable).
bool same_type(const LogicalType &a, const LogicalType &b);

// Choices a user makes for a whole target.
struct TypeOptions {
  // Plain "number" properties (no precision or scale from the schema) become Float: double
  // precision, rounded to 17 significant digits, on purpose.
  bool numbers_as_float = false;
};

// The logical type of one JSON Schema property (see the mapping above).
LogicalType logical_type_of(const nlohmann::json &property_schema, const TypeOptions &options = {});

// The narrowest type that holds every value of both `existing` and `wanted` without loss, or
// nullopt when there is none short of text (e.g. timestamp vs integer). Widenings:
// Integer by bytes; Integer -> Decimal (scale kept, precision grown by the integer digits);
// Decimal(p1,s1) + Decimal(p2,s2) -> Decimal(max integer digits + max scale, max scale), capped
// by no limit here (a dialect refuses what it cannot store); unconstrained Decimal absorbs both;
// Text(n) + Text(m) -> Text(max), unbounded absorbs both; Integer or Decimal + Text -> Text
// (unbounded: their text forms are exact); Timestamp + TimestampTz is NOT a
// widening (the meaning of stored values would change). Returns `existing` when it already
// holds `wanted`.
std::optional<LogicalType> widened(const LogicalType &existing, const LogicalType &wanted);

}  // namespace chorus::sql
