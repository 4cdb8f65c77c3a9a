#include "chorus/sql/postgres_dialect.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

using namespace chorus::sql;
using nlohmann::json;

namespace {
std::string pg_type(const char *schema) {
  return PostgresDialect().column_type(logical_type_of(json::parse(schema)));
}
}  // namespace

TEST_CASE("postgres column types are faithful to the logical type") {
  CHECK(pg_type(R"({"type":"integer","minimum":-32768,"maximum":32767})") == "smallint");
  CHECK(pg_type(R"({"type":"integer","minimum":-2147483648,"maximum":2147483647})") == "integer");
  CHECK(pg_type(R"({"type":"integer"})") == "bigint");
  CHECK(pg_type(R"({"type":"number","x-sql-precision":38,"x-sql-scale":20})") == "numeric(38,20)");
  CHECK(pg_type(R"({"type":"number","x-sql-type":"decimal"})") == "numeric");
  CHECK(pg_type(R"({"type":"number"})") == "numeric");
  CHECK(pg_type(R"({"type":"string","format":"time"})") == "timetz");
  CHECK(pg_type(R"({"type":"string","maxLength":12})") == "varchar(12)");
  CHECK(pg_type(R"({"type":"string"})") == "text");
  CHECK(pg_type(R"({"type":"string","format":"date-time"})") == "timestamptz");
  CHECK(pg_type(R"({"type":"string","format":"date-time","x-sql-type":"timestamp"})") ==
        "timestamp");
  CHECK(pg_type(R"({"type":"string","format":"duration"})") == "interval");
  CHECK(pg_type(R"({"type":"object"})") == "jsonb");
  CHECK(pg_type(R"({"type":"string","contentEncoding":"base64"})") == "bytea");
}

TEST_CASE("postgres catalog types read back into the same logical types") {
  PostgresDialect pg;
  auto back = [&](const char *schema) {
    LogicalType type = logical_type_of(json::parse(schema));
    CatalogColumn column{"c", pg.column_type(type), {}, {}, {}};
    if (type.kind == TypeKind::Text && type.max_length) {
      column.data_type = "character varying";
      column.character_maximum_length = static_cast<long long>(*type.max_length);
    }
    if (type.kind == TypeKind::Decimal) {
      column.data_type = "numeric";
      if (type.precision) {
        column.numeric_precision = type.precision;
        column.numeric_scale = type.scale;
      }
    }
    return same_type(pg.parse_catalog_type(column), type);
  };
  CHECK(back(R"({"type":"integer","minimum":-32768,"maximum":32767})"));
  CHECK(back(R"({"type":"integer"})"));
  CHECK(back(R"({"type":"number","x-sql-precision":12,"x-sql-scale":3})"));
  CHECK(back(R"({"type":"number","x-sql-type":"decimal"})"));
  CHECK(back(R"({"type":"string","maxLength":12})"));
  CHECK(back(R"({"type":"string","format":"date-time"})"));
  CHECK(back(R"({"type":"string","format":"uuid"})"));
  CHECK(back(R"({"type":"object"})"));
  CHECK(pg.parse_catalog_type({"c", "timestamp without time zone", {}, {}, {}}).kind ==
        TypeKind::Timestamp);
  CHECK(pg.parse_catalog_type({"c", "USER-DEFINED", {}, {}, {}}).kind == TypeKind::Text);
}

TEST_CASE("postgres widens a column in place with a cast") {
  PostgresDialect pg;
  LogicalType wide;
  wide.kind = TypeKind::Decimal;
  wide.precision = 14;
  wide.scale = 2;
  CHECK(pg.alter_type_clause("amount", wide) ==
        "ALTER COLUMN \"amount\" TYPE numeric(14,2) USING \"amount\"::numeric(14,2)");
}
