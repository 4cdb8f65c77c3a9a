#include "column_types.h"

#include <cmath>
#include <string_view>

#include "chorus/pg/copy_binary_reader.h"

namespace chorus::tap_postgres {

std::string quote_name(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    out.push_back(c);
    if (c == '"') out.push_back('"');
  }
  return out + "\"";
}

namespace {

nlohmann::json typed(const char *type, bool not_null) {
  if (not_null) return {{"type", type}};
  return {{"type", {"null", type}}};
}

// String types whose meaning one JSON Schema keyword carries: a format where JSON Schema has
// one, else chorus's SQL type hint.
struct StringAnnotation {
  std::string_view type;
  const char *keyword;
  const char *value;
};
constexpr StringAnnotation kStringAnnotations[] = {{"date", "format", "date"},
                                                   {"timestamptz", "format", "date-time"},
                                                   {"timestamp", "x-sql-type", "timestamp"},
                                                   {"time", "x-sql-type", "time"},
                                                   {"interval", "format", "duration"},
                                                   {"uuid", "format", "uuid"},
                                                   {"bytea", "contentEncoding", "base64"}};

}  // namespace

// Mapping: int2/int4/int8 -> integer with their bounds; numeric(p,s) -> number with
// x-sql-precision/x-sql-scale (and multipleOf for other Singer targets); bare numeric -> number
// with x-sql-type "decimal"; float4/float8 -> number with
// "x-sql-datatype" real / double precision; bool -> boolean; varchar(n)/char(n) ->
// string with maxLength; date -> format date; timestamptz -> format date-time; timestamp and
// time -> string with x-sql-type (they carry no offset, so they are not RFC 3339 date-times);
// interval -> format duration (ISO 8601); uuid -> format uuid; json/jsonb -> any JSON value;
// arrays -> array; bytea -> base64 string; enums and everything else -> string.
nlohmann::json ColumnType::json_schema() const {
  const std::string &t = type_name;
  nlohmann::json schema;
  if (type_category == 'A') return typed("array", not_null);
  if (t == "int2" || t == "int4" || t == "int8") {
    schema = typed("integer", not_null);
    if (t == "int2") {
      schema["minimum"] = -32768;
      schema["maximum"] = 32767;
    } else if (t == "int4") {
      schema["minimum"] = -2147483648LL;
      schema["maximum"] = 2147483647LL;
    } else {
      schema["minimum"] = INT64_MIN;
      schema["maximum"] = INT64_MAX;
    }
    return schema;
  }
  if (t == "numeric") {
    schema = typed("number", not_null);
    if (type_modifier >= 4) {
      int precision = ((type_modifier - 4) >> 16) & 0xFFFF;
      int scale = (type_modifier - 4) & 0xFFFF;
      schema["x-sql-precision"] = precision;
      schema["x-sql-scale"] = scale;
      schema["multipleOf"] = std::pow(10.0, -scale);
    } else {
      schema["x-sql-type"] = "decimal";
    }
    return schema;
  }
  if (t == "float4" || t == "float8") {
    // A plain "number" is an exact decimal in chorus targets; the Meltano SDK's hint keeps a
    // floating-point column floating point (its values are doubles, exactly).
    schema = typed("number", not_null);
    schema["x-sql-datatype"] = t == "float4" ? "real" : "double precision";
    return schema;
  }
  if (t == "bool") return typed("boolean", not_null);
  if (t == "json" || t == "jsonb") {
    nlohmann::json types = {"object", "array", "string", "number", "boolean"};
    if (!not_null) types.insert(types.begin(), "null");
    return {{"type", types}, {"x-sql-type", "json"}};
  }
  schema = typed("string", not_null);
  if ((t == "varchar" || t == "bpchar") && type_modifier >= 4) {
    schema["maxLength"] = type_modifier - 4;
    return schema;
  }
  for (const StringAnnotation &annotation : kStringAnnotations) {
    if (t == annotation.type) schema[annotation.keyword] = annotation.value;
  }
  return schema;
}

std::string ColumnType::select_expression() const {
  std::string column = quote_name(name);
  std::string expression = column;
  const std::string &t = type_name;
  if (type_category == 'A') {
    expression = "to_jsonb(" + column + ")";
  } else if (t == "bytea") {
    // encode() wraps base64 every 76 characters.
    expression = "translate(encode(" + column + ", 'base64'), E'\\n', '')";
  }
  return expression + " AS " + column;
}

JsonKind ColumnType::json_kind() const {
  const std::string &t = type_name;
  if (type_category == 'A' || t == "json" || t == "jsonb") return JsonKind::RawJson;
  if (t == "int2" || t == "int4" || t == "int8") return JsonKind::Integer;
  if (t == "numeric" || t == "float4" || t == "float8") return JsonKind::Number;
  if (t == "bool") return JsonKind::Boolean;
  if (t == "timestamptz" || t == "timestamp") return JsonKind::Timestamp;
  return JsonKind::String;
}

std::optional<pg::binary::FieldType> ColumnType::binary_field() const {
  using pg::binary::FieldType;
  // Arrays come through to_jsonb() (jsonb); an enum's wire form is its label.
  if (type_category == 'A') return FieldType::Jsonb;
  if (type_category == 'E') return FieldType::Text;
  // Built-in types by OID (a type of the same name in another schema is not one of them) whose
  // wire form is their text: bytea through translate(encode()), json, character(n).
  if (type_oid == 17 || type_oid == 114 || type_oid == 1042) return FieldType::Text;
  const std::optional<FieldType> field = pg::binary::field_type_of(type_oid);
  if (!field || !pg::binary::has_text_form(*field)) return std::nullopt;  // double precision
  return field;
}

void add_value(singer::MessageWriter &out, const std::string &name, JsonKind kind,
               std::string_view text) {
  switch (kind) {
    case JsonKind::Integer:
      out.add_number(name, text);
      return;
    case JsonKind::Number:
      out.add_number(name, text);
      return;
    case JsonKind::Boolean:
      out.add_bool(name, text == "t");
      return;
    case JsonKind::RawJson:
      out.add_raw_json(name, text);
      return;
    case JsonKind::String:
      out.add_string(name, text);
      return;
    case JsonKind::Timestamp: {
      thread_local std::string buffer;
      out.add_string(name, rfc3339_from_iso_datestyle(text, buffer));
      return;
    }
  }
}

bool is_finite_number_text(std::string_view text) {
  return text != "NaN" && text != "Infinity" && text != "-Infinity";
}

std::string_view rfc3339_from_iso_datestyle(std::string_view text, std::string &buffer) {
  const std::size_t space = text.find(' ');
  if (space == std::string_view::npos) return text;  // "infinity", "-infinity"
  constexpr std::string_view kEra = " BC";
  std::string_view body = text;
  std::string_view era;
  if (body.size() >= kEra.size() && body.substr(body.size() - kEra.size()) == kEra) {
    era = kEra;
    body.remove_suffix(kEra.size());
  }
  // An offset follows the time part; in UTC it is "+00", which RFC 3339 writes "+00:00". The
  // time part has no other sign, so a sign three bytes from the end starts that short offset.
  const std::size_t n = body.size();
  const bool short_offset = n >= 3 && n - 3 > space && (body[n - 3] == '+' || body[n - 3] == '-');
  // Written in place into a buffer that keeps its capacity from row to row: one copy, no
  // search back for the sign and no insertion that moves the tail.
  constexpr std::string_view kMinutes = ":00";
  buffer.resize(n + (short_offset ? kMinutes.size() : 0) + era.size());
  char *out = buffer.data();
  body.copy(out, n);
  out[space] = 'T';
  out += n;
  if (short_offset) out += kMinutes.copy(out, kMinutes.size());
  era.copy(out, era.size());
  return buffer;
}

}  // namespace chorus::tap_postgres
