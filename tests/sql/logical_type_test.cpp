#include "chorus/sql/logical_type.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

using namespace chorus::sql;
using nlohmann::json;

namespace {
std::string mapped(const char *schema) { return logical_type_of(json::parse(schema)).describe(); }
}  // namespace

TEST_CASE("integers get their width from minimum and maximum") {
  CHECK(mapped(R"({"type":["null","integer"]})") == "integer(8)");
  CHECK(mapped(R"({"type":"integer","minimum":-32768,"maximum":32767})") == "integer(2)");
  CHECK(mapped(R"({"type":"integer","minimum":-2147483648,"maximum":2147483647})") == "integer(4)");
  CHECK(mapped(R"({"type":"integer","minimum":0,"maximum":1e30})") == "decimal(38,0)");
}

TEST_CASE("exact decimals keep precision and scale") {
  CHECK(mapped(R"({"type":["null","number"],"x-sql-precision":12,"x-sql-scale":2})") ==
        "decimal(12,2)");
  CHECK(mapped(R"({"type":"number","multipleOf":0.01,"maximum":1e10,"exclusiveMaximum":true})") ==
        "decimal(12,2)");
  CHECK(mapped(R"({"type":["null","number"],"x-sql-type":"decimal"})") == "decimal");
}

TEST_CASE("a plain number is an exact, unconstrained decimal unless floats are asked for") {
  CHECK(mapped(R"({"type":"number"})") == "decimal");
  CHECK(mapped(R"({"type":["integer","number"]})") == "decimal");
  TypeOptions floats;
  floats.numbers_as_float = true;
  CHECK(logical_type_of(json::parse(R"({"type":"number"})"), floats).describe() == "float");
  // A schema's own precision wins over the option.
  CHECK(logical_type_of(json::parse(R"({"type":"number","x-sql-precision":9,"x-sql-scale":2})"),
                        floats)
            .describe() == "decimal(9,2)");
}

TEST_CASE("multipleOf gives the scale a column needs at least; maximum a precision") {
  const LogicalType four = logical_type_of(json::parse(R"({"type":"number","multipleOf":0.0001})"));
  CHECK(four.describe() == "decimal");
  CHECK(four.scale == 4);
  CHECK(logical_type_of(json::parse(R"({"type":"number","multipleOf":0.25})")).scale == 2);
  CHECK(logical_type_of(json::parse(R"({"type":"number","multipleOf":5})")).scale == 0);
  CHECK(mapped(R"({"type":"number","multipleOf":1e-30})") == "decimal");
  CHECK(logical_type_of(json::parse(R"({"type":"number","multipleOf":1e-30})")).scale == 30);
}

TEST_CASE("decimal hints of the ecosystem: x-singer.decimal, singer.decimal, x-sql-datatype") {
  CHECK(mapped(R"({"type":"number","x-singer.decimal":{"precision":20,"scale":4}})") ==
        "decimal(20,4)");
  CHECK(mapped(R"J({"type":["null","string"],"format":"singer.decimal",
                   "additionalProperties":{"scale_precision":"(12,2)"}})J") == "decimal(12,2)");
  CHECK(mapped(R"({"type":"string","format":"singer.decimal"})") == "decimal");
  CHECK(mapped(R"J({"type":"number","x-sql-datatype":"DECIMAL(38, 20)"})J") == "decimal(38,20)");
  CHECK(mapped(R"({"type":"number","x-sql-datatype":"numeric"})") == "decimal");
  CHECK(mapped(R"({"type":"number","x-sql-datatype":"double precision"})") == "float");
  CHECK(mapped(R"({"type":"string","x-sql-datatype":"citext"})") == "text");
}

TEST_CASE("strings map by format, encoding and maxLength") {
  CHECK(mapped(R"({"type":"string"})") == "text");
  CHECK(mapped(R"({"type":["null","string"],"maxLength":40})") == "text(40)");
  CHECK(mapped(R"({"type":"string","format":"date-time"})") == "timestamptz");
  CHECK(mapped(R"({"type":"string","format":"date-time","x-sql-type":"timestamp"})") ==
        "timestamp");
  CHECK(mapped(R"({"type":"string","format":"date"})") == "date");
  CHECK(mapped(R"({"type":"string","format":"time"})") == "timetz");
  CHECK(mapped(R"({"type":"string","format":"uuid"})") == "uuid");
  CHECK(mapped(R"({"type":"string","format":"duration"})") == "interval");
  CHECK(mapped(R"({"type":"string","contentEncoding":"base64"})") == "bytes");
}

TEST_CASE("objects, arrays, mixed and untyped properties are json") {
  CHECK(mapped(R"({"type":"object"})") == "json");
  CHECK(mapped(R"({"type":["null","array"],"items":{"type":"integer"}})") == "json");
  CHECK(mapped(R"({"type":["string","integer"]})") == "json");
  CHECK(mapped(R"({})") == "json");
  CHECK(mapped(R"({"type":"boolean"})") == "boolean");
}

TEST_CASE("anyOf with a null branch reads the typed branch") {
  LogicalType type = logical_type_of(
      json::parse(R"({"anyOf":[{"type":"string","format":"date-time"},{"type":"null"}]})"));
  CHECK(type.describe() == "timestamptz");
  CHECK(type.nullable);
  CHECK_FALSE(logical_type_of(json::parse(R"({"type":"string"})")).nullable);
}

TEST_CASE("widening finds the narrowest type holding both, or none") {
  auto t = [](const char *schema) { return logical_type_of(json::parse(schema)); };
  auto w = [](const LogicalType &a, const LogicalType &b) {
    auto r = widened(a, b);
    return r ? r->describe() : std::string("none");
  };
  LogicalType int2 = t(R"({"type":"integer","minimum":-1,"maximum":1})");
  LogicalType int8 = t(R"({"type":"integer"})");
  LogicalType dec_10_2 = t(R"({"type":"number","x-sql-precision":10,"x-sql-scale":2})");
  LogicalType dec_10_4 = t(R"({"type":"number","x-sql-precision":10,"x-sql-scale":4})");
  LogicalType text_10 = t(R"({"type":"string","maxLength":10})");
  LogicalType text_20 = t(R"({"type":"string","maxLength":20})");
  LogicalType text = t(R"({"type":"string"})");
  CHECK(w(int2, int8) == "integer(8)");
  CHECK(w(int8, int2) == "integer(8)");
  CHECK(w(int8, dec_10_2) == "decimal(21,2)");
  CHECK(w(dec_10_2, dec_10_4) == "decimal(12,4)");
  CHECK(w(text_10, text_20) == "text(20)");
  CHECK(w(text_20, text) == "text");
  CHECK(w(t(R"({"type":"string","format":"date-time"})"),
          t(R"({"type":"string","format":"date-time","x-sql-type":"timestamp"})")) == "none");
  // Integers and decimals widen to text, whose text forms keep them exactly.
  CHECK(w(int8, text) == "text");
  CHECK(w(dec_10_2, text_10) == "text");
  CHECK(w(text, int8) == "none");
  CHECK(w(int8, t(R"({"type":"number"})")) == "decimal");
  CHECK(w(t(R"({"type":"boolean"})"), text) == "none");
}
