#include "chorus/sql/logical_type.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include "chorus/plugin/named_values.h"
#include "chorus/singer/decimal.h"

namespace chorus::sql {
namespace {

constexpr Named<TypeKind> kNames[] = {
    {TypeKind::Integer, "integer"},     {TypeKind::Decimal, "decimal"},
    {TypeKind::Float, "float"},         {TypeKind::Boolean, "boolean"},
    {TypeKind::Text, "text"},           {TypeKind::Date, "date"},
    {TypeKind::Time, "time"},           {TypeKind::TimeTz, "timetz"},
    {TypeKind::Timestamp, "timestamp"}, {TypeKind::TimestampTz, "timestamptz"},
    {TypeKind::Interval, "interval"},   {TypeKind::Uuid, "uuid"},
    {TypeKind::Json, "json"},           {TypeKind::Bytes, "bytes"},
};

// The JSON Schema "format"s of a string that name a type of their own.
constexpr Named<TypeKind> kStringFormats[] = {{TypeKind::TimestampTz, "date-time"},
                                              {TypeKind::Date, "date"},
                                              {TypeKind::TimeTz, "time"},
                                              {TypeKind::Uuid, "uuid"},
                                              {TypeKind::Interval, "duration"}};

// The non-null JSON types a property allows, from "type" (string or list) and anyOf/oneOf
// branches. Sets `nullable` when null is allowed. `source` receives the branch that carries
// the non-null type, so that its format/maxLength/... are read from the right place.
void collect_types(const nlohmann::json &schema, std::set<std::string> &types, bool &nullable,
                   const nlohmann::json *&source) {
  if (!schema.is_object()) return;
  auto add = [&](const std::string &type) {
    if (type == "null") {
      nullable = true;
    } else {
      types.insert(type);
      source = &schema;
    }
  };
  if (auto it = schema.find("type"); it != schema.end()) {
    if (it->is_string()) add(it->get<std::string>());
    if (it->is_array()) {
      for (const auto &t : *it) {
        if (t.is_string()) add(t.get<std::string>());
      }
    }
  }
  for (const char *keyword : {"anyOf", "oneOf"}) {
    if (auto it = schema.find(keyword); it != schema.end() && it->is_array()) {
      for (const auto &branch : *it) collect_types(branch, types, nullable, source);
    }
  }
}

// Digits of a power of ten given as a JSON number: 0.01 -> -2, 1000 -> 3; nullopt otherwise.
std::optional<int> power_of_ten(const nlohmann::json &value) {
  const std::optional<singer::Decimal> exact = singer::decimal_of(value);
  if (!exact || exact->negative || exact->digits != "1") return std::nullopt;
  return static_cast<int>(exact->exponent);
}

// Decimal(p, s) from "(p,s)" or "p,s" text; nullopt when it does not read that way.
std::optional<LogicalType> decimal_from_text(std::string_view text) {
  int precision = 0, scale = 0;
  std::string clean;
  for (char c : text) {
    if (c != ' ' && c != '(' && c != ')') clean.push_back(c);
  }
  const auto comma = clean.find(',');
  const std::string first = clean.substr(0, comma);
  auto parse = [](const std::string &digits, int &out) {
    const auto result = std::from_chars(digits.data(), digits.data() + digits.size(), out);
    return result.ec == std::errc() && result.ptr == digits.data() + digits.size() && out >= 0;
  };
  if (!parse(first, precision)) return std::nullopt;
  if (comma != std::string::npos && !parse(clean.substr(comma + 1), scale)) return std::nullopt;
  LogicalType type;
  type.kind = TypeKind::Decimal;
  type.precision = precision;
  type.scale = std::min(scale, precision);
  return type;
}

// The Meltano SDK's "x-sql-datatype" hint, when it names a numeric type.
std::optional<LogicalType> from_sql_datatype(const nlohmann::json &schema) {
  const auto it = schema.find("x-sql-datatype");
  if (it == schema.end() || !it->is_string()) return std::nullopt;
  std::string hint;
  for (char c : it->get<std::string>()) hint.push_back(static_cast<char>(std::tolower(c)));
  for (const char *name : {"decimal", "numeric", "number"}) {
    if (hint.rfind(name, 0) != 0) continue;
    const std::string rest = hint.substr(std::string_view(name).size());
    if (rest.find_first_not_of(' ') == std::string::npos) {
      LogicalType type;
      type.kind = TypeKind::Decimal;
      return type;
    }
    return decimal_from_text(rest);
  }
  for (const char *name : {"double", "float", "real"}) {
    if (hint.rfind(name, 0) == 0) {
      LogicalType type;
      type.kind = TypeKind::Float;
      return type;
    }
  }
  return std::nullopt;
}

// "x-singer.decimal" or "format": "singer.decimal" (with "scale_precision").
std::optional<LogicalType> from_singer_decimal(const nlohmann::json &schema) {
  if (auto it = schema.find("x-singer.decimal"); it != schema.end()) {
    LogicalType type;
    type.kind = TypeKind::Decimal;
    if (it->is_object()) {
      type.precision = it->value("precision", 0);
      type.scale = std::min(it->value("scale", 0), type.precision > 0 ? type.precision : 1000);
    }
    return type;
  }
  if (schema.value("format", "") != "singer.decimal") return std::nullopt;
  const auto additional = schema.find("additionalProperties");
  for (const nlohmann::json *where :
       {&schema, additional != schema.end() ? &*additional : &schema}) {
    if (!where->is_object()) continue;
    if (auto it = where->find("scale_precision"); it != where->end() && it->is_string()) {
      if (auto type = decimal_from_text(it->get<std::string>())) return type;
    }
  }
  LogicalType type;
  type.kind = TypeKind::Decimal;
  return type;
}

int integer_bytes_for(const nlohmann::json &schema, bool &too_wide) {
  too_wide = false;
  auto min_it = schema.find("minimum");
  auto max_it = schema.find("maximum");
  if (min_it == schema.end() || max_it == schema.end() || !min_it->is_number() ||
      !max_it->is_number()) {
    return 8;
  }
  double lo = min_it->get<double>();
  double hi = max_it->get<double>();
  if (lo >= -32768.0 && hi <= 32767.0) return 2;
  if (lo >= -2147483648.0 && hi <= 2147483647.0) return 4;
  if (lo < -9223372036854775808.0 || hi > 9223372036854775807.0) too_wide = true;
  return 8;
}

LogicalType from_override(const nlohmann::json &schema, TypeKind kind, bool nullable) {
  LogicalType type;
  type.kind = kind;
  type.nullable = nullable;
  if (kind == TypeKind::Decimal) {
    type.precision = schema.value("x-sql-precision", 0);
    type.scale = schema.value("x-sql-scale", 0);
  }
  if (kind == TypeKind::Text) {
    if (auto it = schema.find("maxLength"); it != schema.end() && it->is_number_unsigned()) {
      type.max_length = it->get<std::size_t>();
    }
  }
  if (kind == TypeKind::Integer) {
    bool too_wide = false;
    type.integer_bytes = integer_bytes_for(schema, too_wide);
  }
  return type;
}

int integer_digits(const LogicalType &type) {
  switch (type.integer_bytes) {
    case 2:
      return 5;
    case 4:
      return 10;
    default:
      return 19;
  }
}

}  // namespace

std::string_view to_string(TypeKind kind) { return name_of(kNames, kind, "text"); }

std::optional<TypeKind> parse_type_kind(std::string_view name) { return value_named(kNames, name); }

std::string LogicalType::describe() const {
  std::string out(to_string(kind));
  if (kind == TypeKind::Integer) out += "(" + std::to_string(integer_bytes) + ")";
  if (kind == TypeKind::Decimal && precision > 0) {
    out += "(" + std::to_string(precision) + "," + std::to_string(scale) + ")";
  }
  if (kind == TypeKind::Text && max_length) out += "(" + std::to_string(*max_length) + ")";
  return out;
}

bool same_type(const LogicalType &a, const LogicalType &b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case TypeKind::Integer:
      return a.integer_bytes == b.integer_bytes;
    case TypeKind::Decimal:
      return a.precision == b.precision && (a.precision == 0 || a.scale == b.scale);
    case TypeKind::Text:
      return a.max_length == b.max_length;
    default:
      return true;
  }
}

LogicalType logical_type_of(const nlohmann::json &property_schema, const TypeOptions &options) {
  std::set<std::string> types;
  bool nullable = false;
  const nlohmann::json *source = &property_schema;
  collect_types(property_schema, types, nullable, source);
  const nlohmann::json &schema = *source;

  // The override may sit on the property itself or on the typed anyOf branch.
  for (const nlohmann::json *where : {&property_schema, source}) {
    if (auto it = where->find("x-sql-type"); it != where->end() && it->is_string()) {
      if (auto kind = parse_type_kind(it->get<std::string>())) {
        return from_override(*where, *kind, nullable || types.empty());
      }
    }
  }

  for (const nlohmann::json *where : {&property_schema, source}) {
    std::optional<LogicalType> hinted = from_sql_datatype(*where);
    if (!hinted) hinted = from_singer_decimal(*where);
    if (hinted) {
      hinted->nullable = nullable || types.empty();
      return *hinted;
    }
  }

  LogicalType type;
  type.nullable = nullable;
  // "integer" alongside "number" is just a number.
  if (types.size() == 2 && types.count("integer") && types.count("number")) types.erase("integer");
  if (types.size() != 1) {
    type.kind = TypeKind::Json;
    type.nullable = true;
    return type;
  }
  const std::string &json_type = *types.begin();
  if (json_type == "integer") {
    bool too_wide = false;
    type.kind = TypeKind::Integer;
    type.integer_bytes = integer_bytes_for(schema, too_wide);
    if (too_wide) {
      type.kind = TypeKind::Decimal;
      type.precision = 38;
      type.scale = 0;
    }
  } else if (json_type == "number") {
    type.kind = TypeKind::Decimal;
    if (schema.contains("x-sql-precision")) {
      type.precision = schema.value("x-sql-precision", 0);
      type.scale = schema.value("x-sql-scale", 0);
    } else if (auto step = schema.find("multipleOf"); step != schema.end()) {
      const std::optional<singer::Decimal> exact = singer::decimal_of(*step);
      if (exact && !exact->negative && !exact->is_zero()) {
        type.scale = static_cast<int>(std::min<std::int64_t>(exact->scale(), 1000));
        if (auto max_it = schema.find("maximum"); max_it != schema.end()) {
          if (auto max_digits = power_of_ten(*max_it); max_digits && *max_digits >= 0) {
            type.precision = *max_digits + type.scale;
          }
        }
      } else if (options.numbers_as_float) {
        type.kind = TypeKind::Float;
      }
    } else if (options.numbers_as_float) {
      type.kind = TypeKind::Float;
    }
  } else if (json_type == "boolean") {
    type.kind = TypeKind::Boolean;
  } else if (json_type == "string") {
    const std::optional<TypeKind> formatted =
        value_named(kStringFormats, schema.value("format", std::string()));
    if (formatted) {
      type.kind = *formatted;
    } else if (schema.value("contentEncoding", "") == "base64") {
      type.kind = TypeKind::Bytes;
    } else {
      type.kind = TypeKind::Text;
      if (auto it = schema.find("maxLength"); it != schema.end() && it->is_number_unsigned()) {
        type.max_length = it->get<std::size_t>();
      }
    }
  } else {
    // object, array, and a type this mapping does not know: stored as JSON.
    type.kind = TypeKind::Json;
  }
  return type;
}

std::optional<LogicalType> widened(const LogicalType &existing, const LogicalType &wanted) {
  if (same_type(existing, wanted)) return existing;
  LogicalType out = existing;
  if (existing.kind == TypeKind::Integer && wanted.kind == TypeKind::Integer) {
    out.integer_bytes = std::max(existing.integer_bytes, wanted.integer_bytes);
    return out;
  }
  auto as_decimal = [](const LogicalType &t) {
    LogicalType d = t;
    if (t.kind == TypeKind::Integer) {
      d.kind = TypeKind::Decimal;
      d.precision = integer_digits(t);
      d.scale = 0;
    }
    return d;
  };
  bool numeric_pair = (existing.kind == TypeKind::Integer || existing.kind == TypeKind::Decimal) &&
                      (wanted.kind == TypeKind::Integer || wanted.kind == TypeKind::Decimal);
  if (numeric_pair) {
    LogicalType a = as_decimal(existing);
    LogicalType b = as_decimal(wanted);
    out.kind = TypeKind::Decimal;
    if (a.precision == 0) {
      out.precision = 0;
      out.scale = 0;
      return out;
    }
    if (b.precision == 0) {
      out.precision = 0;
      out.scale = 0;
      return out;
    }
    int scale = std::max(a.scale, b.scale);
    int digits = std::max(a.precision - a.scale, b.precision - b.scale);
    out.precision = digits + scale;
    out.scale = scale;
    return out;
  }
  // Every integer and decimal has a text form that keeps it exactly.
  if (wanted.kind == TypeKind::Text &&
      (existing.kind == TypeKind::Integer || existing.kind == TypeKind::Decimal)) {
    out = wanted;
    out.max_length.reset();
    return out;
  }
  if (existing.kind == TypeKind::Text && wanted.kind == TypeKind::Text) {
    if (!existing.max_length || !wanted.max_length) {
      out.max_length.reset();
    } else {
      out.max_length = std::max(*existing.max_length, *wanted.max_length);
    }
    return out;
  }
  return std::nullopt;
}

}  // namespace chorus::sql
