#include "column_types.h"

#include <openssl/evp.h>

#include <charconv>
#include <cmath>

#include "chorus/plugin/errors.h"
#include "chorus/singer/decimal.h"
#include "chorus/sql/identifier.h"

namespace chorus::tap_mysql {

std::string quote_name(std::string_view name) {
  sql::IdentifierRules rules;
  rules.quote = '`';
  return sql::quote_identifier(name, rules);
}

ValueKind kind_of(const std::string &t, bool json_checked) {
  if (t == "tinyint" || t == "smallint" || t == "mediumint" || t == "int" || t == "bigint") {
    return ValueKind::Integer;
  }
  if (t == "decimal" || t == "numeric") return ValueKind::Decimal;
  if (t == "float" || t == "double" || t == "real") return ValueKind::Float;
  if (t == "json" || (t == "longtext" && json_checked)) return ValueKind::Json;
  if (t == "binary" || t == "varbinary" || t == "tinyblob" || t == "blob" || t == "mediumblob" ||
      t == "longblob" || t == "geometry" || t == "point" || t == "linestring" || t == "polygon" ||
      t == "multipoint" || t == "multilinestring" || t == "multipolygon" ||
      t == "geometrycollection") {
    return ValueKind::Binary;
  }
  if (t == "bit") return ValueKind::Bit;
  if (t == "date") return ValueKind::Date;
  if (t == "datetime") return ValueKind::DateTime;
  if (t == "timestamp") return ValueKind::Timestamp;
  if (t == "time") return ValueKind::Time;
  if (t == "year") return ValueKind::Year;
  if (t == "enum") return ValueKind::Enum;
  if (t == "set") return ValueKind::Set;
  return ValueKind::String;
}

std::vector<std::string> parse_members(std::string_view column_type) {
  std::vector<std::string> members;
  std::size_t i = column_type.find('(');
  if (i == std::string_view::npos) return members;
  for (++i; i < column_type.size();) {
    if (column_type[i] != '\'') break;
    std::string member;
    for (++i; i < column_type.size(); ++i) {
      if (column_type[i] == '\'') {
        if (i + 1 < column_type.size() && column_type[i + 1] == '\'') {
          member.push_back('\'');
          ++i;
          continue;
        }
        break;
      }
      if (column_type[i] == '\\' && i + 1 < column_type.size()) ++i;
      member.push_back(column_type[i]);
    }
    members.push_back(std::move(member));
    i += 2;  // the closing quote and ',' or ')'
  }
  return members;
}

namespace {

nlohmann::json typed(const char *type, bool nullable) {
  if (!nullable) return {{"type", type}};
  return {{"type", {"null", type}}};
}

nlohmann::json annotated_string(bool nullable, const char *keyword, nlohmann::json value) {
  nlohmann::json schema = typed("string", nullable);
  schema[keyword] = std::move(value);
  return schema;
}

// The largest value of an integer type, exactly (BIGINT UNSIGNED is beyond int64).
nlohmann::json integer_bounds(nlohmann::json schema, const std::string &t, bool is_unsigned) {
  int bits = t == "tinyint"     ? 8
             : t == "smallint"  ? 16
             : t == "mediumint" ? 24
             : t == "int"       ? 32
                                : 64;
  if (is_unsigned) {
    schema["minimum"] = 0;
    schema["maximum"] = bits == 64 ? UINT64_MAX : (std::uint64_t{1} << bits) - 1;
  } else {
    schema["minimum"] = bits == 64 ? INT64_MIN : -(std::int64_t{1} << (bits - 1));
    schema["maximum"] = bits == 64 ? INT64_MAX : (std::int64_t{1} << (bits - 1)) - 1;
  }
  return schema;
}

bool is_zero_date(std::string_view text) {
  // "YYYY-MM-DD...": a zero month or day (MySQL's zero date and its partly zero kin).
  return text.size() >= 10 && (text.substr(5, 2) == "00" || text.substr(8, 2) == "00");
}

}  // namespace

// Mapping (README's type table): integers -> integer with their exact bounds; DECIMAL(p,s) ->
// number with x-sql-precision/x-sql-scale and multipleOf; FLOAT/DOUBLE -> number with
// x-sql-datatype real / double precision; text -> string (maxLength for CHAR/VARCHAR);
// bytes -> base64 string; BIT(n) -> integer 0..2^n-1; DATE -> format date; TIMESTAMP ->
// format date-time (UTC); DATETIME and TIME -> string with x-sql-type (no offset, so not RFC
// 3339 date-times); YEAR -> integer; JSON -> any JSON value; ENUM -> string with its members;
// SET -> string with x-sql-type set.
nlohmann::json ColumnType::json_schema(bool zero_dates_as_null) const {
  nlohmann::json schema;
  switch (kind) {
    case ValueKind::Integer:
      return integer_bounds(typed("integer", nullable), data_type, is_unsigned);
    case ValueKind::Decimal:
      schema = typed("number", nullable);
      schema["x-sql-precision"] = precision;
      schema["x-sql-scale"] = scale;
      schema["multipleOf"] = std::pow(10.0, -scale);
      return schema;
    case ValueKind::Float:
      schema = typed("number", nullable);
      schema["x-sql-datatype"] = data_type == "float" ? "real" : "double precision";
      return schema;
    case ValueKind::Bit:
      schema = typed("integer", nullable);
      schema["minimum"] = 0;
      schema["maximum"] = precision >= 64 ? UINT64_MAX : (std::uint64_t{1} << precision) - 1;
      return schema;
    case ValueKind::Year:
      schema = typed("integer", nullable);
      schema["minimum"] = 0;  // YEAR holds 0000 besides 1901-2155
      schema["maximum"] = 2155;
      return schema;
    case ValueKind::Json: {
      nlohmann::json types = {"object", "array", "string", "number", "boolean"};
      if (nullable) types.insert(types.begin(), "null");
      return {{"type", types}, {"x-sql-type", "json"}};
    }
    case ValueKind::Date:
    case ValueKind::DateTime:
    case ValueKind::Timestamp:
      schema = typed("string", nullable || zero_dates_as_null);
      if (kind == ValueKind::Date) schema["format"] = "date";
      if (kind == ValueKind::Timestamp) schema["format"] = "date-time";
      if (kind == ValueKind::DateTime) schema["x-sql-type"] = "timestamp";
      return schema;
    case ValueKind::Time:
      return annotated_string(nullable, "x-sql-type", "time");
    case ValueKind::Binary:
      return annotated_string(nullable, "contentEncoding", "base64");
    case ValueKind::Enum: {
      nlohmann::json values = members;
      if (nullable) values.push_back(nullptr);
      return annotated_string(nullable, "enum", values);
    }
    case ValueKind::Set:
      return annotated_string(nullable, "x-sql-type", "set");
    case ValueKind::String:
      schema = typed("string", nullable);
      if ((data_type == "char" || data_type == "varchar") && max_length >= 0) {
        schema["maxLength"] = max_length;
      }
      return schema;
  }
  return schema;
}

bool ColumnType::orderable() const {
  switch (kind) {
    case ValueKind::Integer:
    case ValueKind::Decimal:
    case ValueKind::Float:
    case ValueKind::Date:
    case ValueKind::DateTime:
    case ValueKind::Timestamp:
    case ValueKind::Year:
      return true;
    default:
      return false;
  }
}

ZeroDates parse_zero_dates(const std::string &setting) {
  if (setting == "error") return ZeroDates::Error;
  if (setting == "null") return ZeroDates::Null;
  throw ConfigError("tap-mysql: setting 'zero_dates' is '" + setting +
                    "'; it must be \"error\" or \"null\"");
}

namespace {

void append_base64(std::string &out, std::string_view bytes) {
  const std::size_t start = out.size();
  out.resize(start + 4 * ((bytes.size() + 2) / 3) + 1);
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char *>(out.data() + start),
                                reinterpret_cast<const unsigned char *>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(start + static_cast<std::size_t>(n));
}

std::uint64_t big_endian(std::string_view bytes) {
  std::uint64_t value = 0;
  for (unsigned char c : bytes) value = (value << 8) | c;
  return value;
}

// "YYYY-MM-DD hh:mm:ss[.f]" -> "YYYY-MM-DDThh:mm:ss[.f]" (+ "+00:00" for UTC timestamps).
void append_iso(std::string &out, std::string_view text, bool utc) {
  out.append(text);
  if (out.size() > 10 && out[10] == ' ') out[10] = 'T';
  if (utc) out += "+00:00";
}

}  // namespace

void ValueWriter::refuse_zero_dates(const std::vector<const ColumnType *> &columns,
                                    const std::vector<std::optional<std::string_view>> &fields,
                                    std::uint64_t record_number) const {
  if (zero_dates_ != ZeroDates::Error) return;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const ValueKind kind = columns[i]->kind;
    if (kind != ValueKind::Date && kind != ValueKind::DateTime && kind != ValueKind::Timestamp) {
      continue;
    }
    if (!fields[i] || !is_zero_date(*fields[i])) continue;
    throw FatalError("tap-mysql: stream '" + stream_ + "', record " +
                     std::to_string(record_number) + ", property '" + columns[i]->name +
                     "': value '" + std::string(*fields[i]) +
                     "' is a MySQL zero date, which no JSON Schema date holds; set "
                     "\"zero_dates\": \"null\" to write such values as null, or fix the row");
  }
}

void ValueWriter::write(singer::MessageWriter &out, const ColumnType &column,
                        std::string_view bytes) {
  const std::string &name = column.name;
  switch (column.kind) {
    case ValueKind::Integer:
    case ValueKind::Decimal:
    case ValueKind::Float:
      out.add_number(name, bytes);
      return;
    case ValueKind::Year: {
      int year = 0;
      std::from_chars(bytes.data(), bytes.data() + bytes.size(), year);
      out.add_int(name, year);  // "0000" is no JSON number
      return;
    }
    case ValueKind::Bit:
      out.add_number(name, std::to_string(big_endian(bytes)));
      return;
    case ValueKind::Binary:
      buffer_.clear();
      append_base64(buffer_, bytes);
      out.add_string(name, buffer_);
      return;
    case ValueKind::Json:
      out.add_raw_json(name, bytes);
      return;
    case ValueKind::Date:
    case ValueKind::DateTime:
    case ValueKind::Timestamp:
      if (is_zero_date(bytes)) {
        ++zero_dates_nulled_;
        out.add_null(name);
        return;
      }
      buffer_.clear();
      append_iso(buffer_, bytes, column.kind == ValueKind::Timestamp);
      out.add_string(name, buffer_);
      return;
    case ValueKind::String:
    case ValueKind::Time:
    case ValueKind::Enum:
    case ValueKind::Set:
      out.add_string(name, bytes);
      return;
  }
}

std::string bookmark_text(const ColumnType &column, std::string_view bytes) {
  std::string text;
  switch (column.kind) {
    case ValueKind::Binary:
      append_base64(text, bytes);
      return text;
    case ValueKind::Date:
    case ValueKind::DateTime:
    case ValueKind::Timestamp:
      append_iso(text, bytes, column.kind == ValueKind::Timestamp);
      return text;
    case ValueKind::Bit:
      return std::to_string(big_endian(bytes));
    default:
      return std::string(bytes);
  }
}

std::string sql_value(const ColumnType &column, const std::string &bookmark,
                      const std::function<std::string(std::string_view)> &literal) {
  switch (column.kind) {
    case ValueKind::Integer:
    case ValueKind::Decimal:
    case ValueKind::Float:
    case ValueKind::Year:
    case ValueKind::Bit:
      // Unquoted: MySQL compares an integer column with a quoted string as doubles, which
      // loses BIGINT digits. So the text must be a number and nothing else.
      if (!singer::parse_decimal(bookmark)) {
        throw ConfigError("tap-mysql: the state's value '" + bookmark + "' for column '" +
                          column.name + "' is not a number; run with --full-refresh");
      }
      return bookmark;
    case ValueKind::Binary:
      return "FROM_BASE64(" + literal(bookmark) + ")";
    case ValueKind::Timestamp: {
      std::string text = bookmark;
      for (std::string_view utc : {"+00:00", "Z"}) {
        if (text.size() > utc.size() &&
            text.compare(text.size() - utc.size(), utc.size(), utc) == 0) {
          text.resize(text.size() - utc.size());
        }
      }
      return literal(text);
    }
    default:
      return literal(bookmark);
  }
}

}  // namespace chorus::tap_mysql
