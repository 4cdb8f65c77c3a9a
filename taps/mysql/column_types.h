// How a MySQL/MariaDB column becomes a JSON Schema property and a JSON value. Full-table reads
// (the text protocol) and the binary log (row_image.h) hand the same field bytes to one
// ValueWriter, so a value has one form whichever way it was read.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chorus/singer/writer.h"

namespace chorus::tap_mysql {

enum class ValueKind {
  Integer,    // TINYINT .. BIGINT [UNSIGNED]: the server's digits
  Decimal,    // DECIMAL(p,s): the server's digits, every one kept
  Float,      // FLOAT, DOUBLE
  String,     // CHAR, VARCHAR, TEXT (UTF-8 on the wire)
  Binary,     // BINARY, VARBINARY, BLOB, GEOMETRY: base64 of the bytes
  Bit,        // BIT(n): big-endian bytes, written as an integer
  Date,       // "YYYY-MM-DD"
  DateTime,   // "YYYY-MM-DD hh:mm:ss[.f]": no time zone
  Timestamp,  // the same text in UTC (the session's time zone)
  Time,       // "[-]hhh:mm:ss[.f]": a duration as much as a time of day
  Year,       // "YYYY"
  Json,       // JSON text (MySQL's JSON, MariaDB's LONGTEXT CHECK (json_valid(...)))
  Enum,
  Set,  // "a,b": the members, comma-separated, as the server writes them
};

struct ColumnType {
  std::string name;
  std::string data_type;    // information_schema DATA_TYPE: "int", "decimal", "longtext", ...
  std::string column_type;  // COLUMN_TYPE: "int(10) unsigned", "enum('a','b')", ...
  std::string charset;      // CHARACTER_SET_NAME; empty for non-text columns
  ValueKind kind = ValueKind::String;
  bool nullable = true;
  bool is_unsigned = false;
  int precision = 0;          // DECIMAL precision, BIT width, fractional digits of temporal types
  int scale = 0;              // DECIMAL scale
  long long max_length = -1;  // CHAR/VARCHAR length in characters
  std::vector<std::string> members;  // ENUM and SET values, in declaration order

  // The JSON Schema property. `zero_dates_as_null`: dates may be null whatever the column says.
  nlohmann::json json_schema(bool zero_dates_as_null) const;
  // Whether values of this column compare in a useful order (replication and resume keys).
  bool orderable() const;
};

// The kind of a column from its information_schema description; `json_checked` when MariaDB
// holds a json_valid() check on it.
ValueKind kind_of(const std::string &data_type, bool json_checked);
// The members of "enum('a','b''c')" or "set(...)": {"a", "b'c"}.
std::vector<std::string> parse_members(std::string_view column_type);

// `name` as a MySQL quoted identifier (`name`).
std::string quote_name(std::string_view name);

// What becomes of a zero date ("0000-00-00", "2024-00-10", "0000-00-00 00:00:00"), which MySQL
// stores and no JSON Schema date-time holds.
enum class ZeroDates { Error, Null };
ZeroDates parse_zero_dates(const std::string &setting);

// Writes the fields of one stream's rows into RECORDs, and counts what it had to change.
class ValueWriter {
 public:
  ValueWriter(std::string stream, ZeroDates zero_dates)
      : stream_(std::move(stream)), zero_dates_(zero_dates) {}
  // Throws FatalError when `fields` (one per column of `columns`) hold a zero date under
  // ZeroDates::Error, naming the stream, `record_number` (of this stream, 1-based), the
  // property and the value. Called before a record is begun, so no half record is written.
  void refuse_zero_dates(const std::vector<const ColumnType *> &columns,
                         const std::vector<std::optional<std::string_view>> &fields,
                         std::uint64_t record_number) const;
  // Writes `bytes` (the field as the text protocol or row_image.h gives it) as property
  // column.name; a zero date (allowed by refuse_zero_dates()) as null.
  void write(singer::MessageWriter &out, const ColumnType &column, std::string_view bytes);
  std::uint64_t zero_dates_written_as_null() const { return zero_dates_nulled_; }

 private:
  std::string stream_;
  ZeroDates zero_dates_;
  std::uint64_t zero_dates_nulled_ = 0;
  std::string buffer_;
};

// A field as the text a bookmark keeps (RFC 3339 for dates and times, as records carry them;
// base64 for bytes), and back into an SQL value for WHERE. `literal` quotes a string.
std::string bookmark_text(const ColumnType &column, std::string_view bytes);
std::string sql_value(const ColumnType &column, const std::string &bookmark,
                      const std::function<std::string(std::string_view)> &literal);

}  // namespace chorus::tap_mysql
