// The binary COPY encoders against the server itself: every value they encode loads as the value
// its COPY text form loads as (compared by the server's own text output), and the forms they
// leave to text are the ones they say they leave.
#include "chorus/pg/copy_binary.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "chorus/pg/copy_text.h"
#include "pg_test_database.h"

using chorus::pg::CopyFormat;
using chorus::pg::binary::append_field;
using chorus::pg::binary::FieldType;
using chorus::test::dump;
using chorus::test::ThrowawayDatabase;

namespace {

struct TypeCase {
  FieldType type;
  const char *column_type;
  std::vector<std::string> texts;
};

const std::vector<TypeCase> &type_cases() {
  static const std::vector<TypeCase> cases = {
      {FieldType::Int2, "smallint", {"0", "-1", "32767", "-32768", "007", "-0"}},
      {FieldType::Int4, "integer", {"2147483647", "-2147483648", "42"}},
      {FieldType::Int8, "bigint", {"9223372036854775807", "-9223372036854775808", "1", "-17"}},
      {FieldType::Numeric,
       "numeric",
       {"0", "0.00", "-0", "-0.000", "1.50", "12345678901234567890.123456789", "0.0001", "0.00001",
        "-987.6543210", "100000000", "10000", "9999.9999", ".5", "5.", "000123.4500",
        "-0.000000000000000000000000000000001", "31415926535897932384626433832795028841971"}},
      {FieldType::Numeric, "numeric(12,2)", {"1.50", "-12.34", "0.01", "1234567890.12", "7"}},
      {FieldType::Float8,
       "double precision",
       {"0", "-0", "1.5", "0.1", "1e300", "2.2250738585072014e-308", "4.9e-324",
        "123456789012345678", "1E-5", "-3.14159", "0.30000000000000004", "1.7976931348623157e308"}},
      {FieldType::Bool, "boolean", {"true", "false"}},
      {FieldType::Text,
       "text",
       {"", "plain", "tab\there", "back\\slash", "ünïcødé ✓", "line\nbreak\r", "\\N"}},
      {FieldType::Text, "varchar(20)", {"short", ""}},
      {FieldType::Date,
       "date",
       {"2024-02-29", "0001-01-01", "9999-12-31", "1970-01-01", "2000-01-01", "1999-12-31",
        "1900-03-01"}},
      {FieldType::Timestamp,
       "timestamp",
       {"2024-01-31T10:20:30", "2024-01-31 10:20:30.5", "2024-01-31T10:20:30.123456",
        "2024-01-31T10:20", "2024-01-31T10:20:30+05:00", "2024-01-31T10:20:30Z",
        "0001-01-01T00:00:00", "1969-12-31T23:59:59.999999", "9999-12-31T23:59:59.999999"}},
      {FieldType::TimestampTz,
       "timestamptz",
       {"2024-01-31T10:20:30Z", "2024-01-31T10:20:30.000001+05:30", "2024-01-31T10:20:30-0800",
        "2024-01-31T10:20:30+14", "2024-01-31 00:00:00-15:59", "0001-01-01T00:00:00+01:00",
        "1999-12-31T23:59:59.9-00:30", "2026-11-23T06:42:07.781523Z"}},
      {FieldType::Uuid,
       "uuid",
       {"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11",
        "00000000-0000-0000-0000-000000000000"}},
      {FieldType::Jsonb,
       "jsonb",
       {R"({"a": 1, "b": [true, null, "x"]})", R"("text")", "1.50", "[]", R"({"b":1,"a":2})"}},
      {FieldType::Bytea, "bytea", {std::string("\0\x01\xff", 3), "", "abc"}},
  };
  return cases;
}

// The COPY text field for `text`: bytea's in its hex input form.
std::string text_field(FieldType type, const std::string &text) {
  std::string out;
  if (type != FieldType::Bytea) {
    chorus::pg::append_copy_field(out, text);
    return out;
  }
  static const char kHex[] = "0123456789abcdef";
  out = "\\\\x";
  for (unsigned char c : text) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xF]);
  }
  return out;
}

}  // namespace

TEST_CASE("a value the binary encoders write is the value its text form loads as") {
  REQUIRE_SERVER(server);
  ThrowawayDatabase database(*server, "chorus_copy_binary_" + std::to_string(getpid()));
  chorus::pg::Connection &sql = database.sql();
  // Not UTC, so a time zone read from the session instead of the text would show.
  sql.execute("SET TIME ZONE 'America/St_Johns'");
  for (const TypeCase &type_case : type_cases()) {
    const std::string column_type = type_case.column_type;
    CAPTURE(column_type);
    sql.execute("DROP TABLE IF EXISTS via_binary, via_text");
    sql.execute(std::string("CREATE TABLE via_binary (n integer, v ") + type_case.column_type +
                ")");
    sql.execute(std::string("CREATE TABLE via_text (n integer, v ") + type_case.column_type + ")");
    std::string binary;
    std::string text;
    for (std::size_t n = 0; n < type_case.texts.size(); ++n) {
      const std::string &value = type_case.texts[n];
      chorus::pg::binary::append_tuple_start(binary, 2);
      REQUIRE(append_field(binary, FieldType::Int4, std::to_string(n)));
      CHECK_MESSAGE(append_field(binary, type_case.type, value), value);
      text += std::to_string(n) + "\t" + text_field(type_case.type, value) + "\n";
    }
    sql.copy_in("via_binary", {"n", "v"}, CopyFormat::Binary,
                [&](chorus::pg::Connection::CopyWriter &writer) { writer.write(binary); });
    sql.copy_in("via_text", {"n", "v"}, CopyFormat::Text,
                [&](chorus::pg::Connection::CopyWriter &writer) { writer.write(text); });
    CHECK(dump(sql, "SELECT count(*) FROM via_binary") ==
          std::to_string(type_case.texts.size()) + "\n");
    CHECK(dump(sql,
               "SELECT n, b.v::text, t.v::text FROM via_binary b FULL JOIN via_text t USING (n) "
               "WHERE b.v::text IS DISTINCT FROM t.v::text ORDER BY n") == "");
  }
}

TEST_CASE("forms the binary encoders leave to the server's text parser") {
  const std::vector<std::pair<FieldType, std::string>> left_to_text = {
      {FieldType::Int8, "1.0"},
      {FieldType::Int8, "+1"},
      {FieldType::Int8, " 1"},
      {FieldType::Int8, "9223372036854775808"},
      {FieldType::Int2, "32768"},
      {FieldType::Int4, "-2147483649"},
      {FieldType::Numeric, "1e5"},
      {FieldType::Numeric, "NaN"},
      {FieldType::Numeric, "1.2.3"},
      {FieldType::Numeric, ""},
      {FieldType::Numeric, "-"},
      {FieldType::Numeric, "0." + std::string(1001, '1')},
      {FieldType::Numeric, std::string(4001, '1')},
      {FieldType::Float8, "NaN"},
      {FieldType::Float8, "Infinity"},
      {FieldType::Float8, "1e400"},
      {FieldType::Float8, " 1"},
      {FieldType::Bool, "t"},
      {FieldType::Bool, "yes"},
      {FieldType::Date, "2024-02-30"},
      {FieldType::Date, "2023-02-29"},
      {FieldType::Date, "24-01-01"},
      {FieldType::Date, "2024-1-1"},
      {FieldType::Date, "0000-01-01"},
      {FieldType::Date, "2024-01-01 BC"},
      {FieldType::Timestamp, "2024-01-31T24:00:00"},
      {FieldType::Timestamp, "2024-01-31T10:20:60"},
      {FieldType::Timestamp, "2024-01-31T10:20:30.1234567"},
      {FieldType::Timestamp, "2024-01-31T10:20:30."},
      {FieldType::Timestamp, "infinity"},
      {FieldType::TimestampTz, "2024-01-31T10:20:30"},  // the session's zone would apply
      {FieldType::TimestampTz, "2024-01-31T10:20:30+16:00"},
      {FieldType::TimestampTz, "2024-01-31T10:20:30+05:30:15"},
      {FieldType::TimestampTz, "2024-01-31T10:20:30 PST"},
      {FieldType::TimestampTz, "2024-01-31t10:20:30Z"},
      {FieldType::Uuid, "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}"},
      {FieldType::Uuid, "a0eebc999c0b4ef8bb6d6bb9bd380a11"},
      {FieldType::Uuid, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1g"},
  };
  for (const auto &entry : left_to_text) {
    const FieldType type = entry.first;
    const std::string &text = entry.second;
    std::string out = "kept";
    CHECK_MESSAGE(!append_field(out, type, text), text);
    CHECK(out == "kept");
  }
}

TEST_CASE("column types binary fields can feed, by OID") {
  CHECK(chorus::pg::binary::field_type_of(20) == FieldType::Int8);
  CHECK(chorus::pg::binary::field_type_of(1043) == FieldType::Text);  // varchar
  CHECK(chorus::pg::binary::field_type_of(1184) == FieldType::TimestampTz);
  CHECK(!chorus::pg::binary::field_type_of(700).has_value());   // real: not double precision
  CHECK(!chorus::pg::binary::field_type_of(114).has_value());   // json: jsonb's version byte
  CHECK(!chorus::pg::binary::field_type_of(1083).has_value());  // time
}
