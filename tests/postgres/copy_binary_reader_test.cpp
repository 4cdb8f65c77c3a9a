// Reading binary COPY against the server itself: every field FieldText decodes is, byte for
// byte, what the server's text COPY of the same row says (in tap-postgres's session settings),
// however the stream is cut into pieces; and streams that are not binary COPY are refused.
#include "chorus/pg/copy_binary_reader.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "../thrown_error.h"
#include "chorus/pg/copy_text.h"
#include "pg_test_database.h"

using chorus::pg::CopyFormat;
using chorus::pg::binary::FieldText;
using chorus::pg::binary::FieldType;
using chorus::pg::binary::Tuple;
using chorus::pg::binary::TupleReader;
using chorus::test::ThrowawayDatabase;

namespace {

struct TypeCase {
  FieldType type;
  const char *column_type;
  std::vector<const char *> literals;  // SQL literals of the column's type; NULL included
};

const std::vector<TypeCase> &type_cases() {
  static const std::vector<TypeCase> cases = {
      {FieldType::Int2, "smallint", {"0", "-32768", "32767", "NULL"}},
      {FieldType::Int4, "integer", {"-2147483648", "2147483647", "7"}},
      {FieldType::Int8, "bigint", {"-9223372036854775808", "9223372036854775807", "-1"}},
      {FieldType::Numeric,
       "numeric",
       {"0", "0.00", "-0.001", "1.50", "12345678901234567890.123456789", "0.0001", "0.00001",
        "100000000", "10000", "9999.9999", "'NaN'", "'Infinity'", "'-Infinity'", "1e-20",
        "123456789e20", "-31415926535897932384626433832795028841971.000", "0.1e-3",
        "1000000000000.0000000000001", "NULL"}},
      {FieldType::Numeric, "numeric(12,2)", {"1.5", "-12.34", "0.01", "1234567890.12", "7", "0"}},
      {FieldType::Bool, "boolean", {"true", "false", "NULL"}},
      {FieldType::Text,
       "text",
       {"''", "'plain'", "E'tab\\there'", "E'back\\\\slash'", "'ünïcødé ✓'", "E'line\\nbreak\\r'",
        "'\\N'", "NULL"}},
      {FieldType::Text, "varchar(20)", {"'short'", "''"}},
      {FieldType::Text, "char(5)", {"'ab'", "'abcde'"}},
      {FieldType::Text, "json", {"'{\"b\": 1,  \"a\": [true, null]}'", "'\"x\"'"}},
      {FieldType::Jsonb, "jsonb", {"'{\"b\": 1, \"a\": [true, null, \"x\"]}'", "'1.50'", "'[]'"}},
      {FieldType::Date,
       "date",
       {"'2024-02-29'", "'0001-01-01'", "'0044-03-15 BC'", "'4713-01-01 BC'", "'5874897-12-31'",
        "'1999-12-31'", "'2000-01-01'", "'1970-01-01'", "'infinity'", "'-infinity'", "NULL"}},
      {FieldType::Timestamp,
       "timestamp",
       {"'2024-01-31 10:20:30.5'", "'0001-01-01 00:00:00'", "'1969-12-31 23:59:59.999999'",
        "'2000-01-01 00:00:00.000001'", "'1999-12-31 23:59:59.1'", "'0044-03-15 12:00:00 BC'",
        "'4713-11-24 00:00:00 BC'", "'294276-12-31 23:59:59.999999'", "'12345-06-07 08:09:10'",
        "'infinity'", "'-infinity'", "'2024-02-29 23:59:59.000010'"}},
      {FieldType::TimestampTz,
       "timestamptz",
       {"'2024-01-31 10:20:30.25+05:30'", "'1999-12-31 23:59:59.999999-08'",
        "'0044-03-15 12:00:00+00 BC'", "'2000-01-01 00:00:00Z'", "'infinity'", "'-infinity'",
        "'2026-11-23 06:42:07.781523Z'", "NULL"}},
      {FieldType::Uuid,
       "uuid",
       {"'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'", "'00000000-0000-0000-0000-000000000000'",
        "'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF'"}},
  };
  return cases;
}

std::string copy_out(chorus::pg::Connection &sql, const std::string &source, CopyFormat format) {
  std::string out;
  sql.copy_out(source, format, [&](std::string_view data) {
    out.append(data);
    if (format == CopyFormat::Text) out.push_back('\n');
  });
  return out;
}

// The fields of every tuple of `stream`, fed in pieces of `piece` bytes (0: whole), each
// decoded by `decoders` (one per field).
std::vector<std::vector<std::optional<std::string>>> decode(const std::string &stream,
                                                            std::vector<FieldText> &decoders,
                                                            std::size_t piece) {
  std::vector<std::vector<std::optional<std::string>>> rows;
  TupleReader reader("the test table");
  const auto on_tuple = [&](const Tuple &tuple) {
    REQUIRE(tuple.size() == decoders.size());
    auto &row = rows.emplace_back();
    for (std::size_t i = 0; i < tuple.size(); ++i) {
      if (tuple[i]) {
        row.emplace_back(std::string(decoders[i](*tuple[i])));
      } else {
        row.emplace_back();
      }
    }
  };
  if (piece == 0) piece = stream.size();
  for (std::size_t at = 0; at < stream.size(); at += piece) {
    reader.feed(std::string_view(stream).substr(at, piece), on_tuple);
  }
  reader.finish();
  return rows;
}

}  // namespace

TEST_CASE("a binary field decodes to the text its text COPY carries") {
  REQUIRE_SERVER(server);
  ThrowawayDatabase database(*server, "chorus_copy_binary_reader_" + std::to_string(getpid()));
  chorus::pg::Connection &sql = database.sql();
  // tap-postgres's session: the text forms FieldText writes are the ones under these settings.
  sql.execute("SET TIME ZONE 'UTC'; SET datestyle = 'ISO, YMD'");
  for (const TypeCase &type_case : type_cases()) {
    const std::string column_type = type_case.column_type;
    CAPTURE(column_type);
    sql.execute("DROP TABLE IF EXISTS fields");
    sql.execute("CREATE TABLE fields (n integer, v " + column_type + ")");
    for (std::size_t n = 0; n < type_case.literals.size(); ++n) {
      sql.execute("INSERT INTO fields VALUES (" + std::to_string(n) + ", " + type_case.literals[n] +
                  ")");
    }
    const std::string source = "(SELECT n, v FROM fields ORDER BY n)";
    const std::string text = copy_out(sql, source, CopyFormat::Text);
    const std::string binary = copy_out(sql, source, CopyFormat::Binary);

    chorus::pg::CopyLineParser parser;
    std::vector<std::vector<std::optional<std::string>>> expected;
    std::size_t begin = 0;
    for (std::size_t end = text.find('\n'); end != std::string::npos;
         begin = end + 1, end = text.find('\n', begin)) {
      auto &row = expected.emplace_back();
      for (const auto &field : parser.parse(std::string_view(text).substr(begin, end - begin))) {
        row.emplace_back(field ? std::optional<std::string>(std::string(*field)) : std::nullopt);
      }
    }
    REQUIRE(expected.size() == type_case.literals.size());
    for (const std::size_t piece : {std::size_t{0}, std::size_t{1}, std::size_t{7}}) {
      CAPTURE(piece);
      std::vector<FieldText> decoders{FieldText(FieldType::Int4), FieldText(type_case.type)};
      const auto decoded = decode(binary, decoders, piece);
      REQUIRE(decoded.size() == expected.size());
      for (std::size_t row = 0; row < expected.size(); ++row) {
        CAPTURE(type_case.literals[row]);
        CHECK(decoded[row] == expected[row]);
      }
    }
  }
}

TEST_CASE("a stream that is not binary COPY, or that stops short, is refused") {
  std::vector<FieldText> decoders{FieldText(FieldType::Int4)};
  CHECK(chorus::testing::thrown_message(
            [&] { decode("id\tname\n1\ta text COPY row\n", decoders, 0); }, "a refusal")
            .find("does not start with the binary COPY signature") != std::string::npos);

  // Signature, flags, no extension; one tuple of one int4 field, then the trailer.
  const std::string header("PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0", 19);
  const std::string tuple("\0\1\0\0\0\4\0\0\0\x2a", 10);
  const std::string trailer("\xff\xff", 2);
  const auto whole = decode(header + tuple + trailer, decoders, 0);
  REQUIRE(whole.size() == 1);
  CHECK(whole[0][0] == std::optional<std::string>("42"));
  CHECK(chorus::testing::thrown_message([&] { decode(header + tuple, decoders, 0); }, "a refusal")
            .find("ends without its trailer") != std::string::npos);
  CHECK(chorus::testing::thrown_message([&] { decode(header + tuple.substr(0, 7), decoders, 0); },
                                        "a refusal")
            .find("ends without its trailer") != std::string::npos);
  CHECK(chorus::testing::thrown_message([&] { decode(header + trailer + tuple, decoders, 0); },
                                        "a refusal")
            .find("data follows its trailer") != std::string::npos);
  // A field of the wrong width for its type.
  const std::string short_field("\0\1\0\0\0\2\0\x2a", 8);
  CHECK(chorus::testing::thrown_message(
            [&] { decode(header + short_field + trailer, decoders, 0); }, "a refusal")
            .find("binary integer field of 2 bytes") != std::string::npos);
}

TEST_CASE("types without a text form here are refused when the decoder is made") {
  CHECK(!chorus::pg::binary::has_text_form(FieldType::Float8));
  CHECK(!chorus::pg::binary::has_text_form(FieldType::Bytea));
  CHECK_THROWS_AS(FieldText{FieldType::Float8}, std::invalid_argument);
}
