#include "chorus/singer/validator.h"

#include <doctest/doctest.h>

#include <limits>
#include <string>

#include "chorus/singer/reader.h"
#include "memory_file.h"

using namespace chorus::singer;
using chorus::singer::testing::MemoryFile;
using nlohmann::json;

namespace {

// Validates the record written as JSON text against `schema`; returns the violation as text,
// or "" when the record is valid.
std::string check(const json &schema, const std::string &record_json) {
  MemoryFile file(R"({"type":"RECORD","stream":"s","record":)" + record_json + "}\n");
  MessageReader reader(file.fd());
  Message message;
  REQUIRE(reader.next(message));
  RecordValidator validator(schema);
  const auto violation = validator.validate(message.record);
  return violation ? violation->to_string() : std::string();
}

json object_with(const json &properties, const json &required = json::array()) {
  return {{"type", "object"}, {"properties", properties}, {"required", required}};
}

}  // namespace

TEST_CASE("type: a single type or a list, with the documented message") {
  const json schema =
      object_with({{"amount", {{"type", {"number", "null"}}}}, {"name", {{"type", "string"}}}});
  CHECK(check(schema, R"({"amount":1.5,"name":"x"})").empty());
  CHECK(check(schema, R"({"amount":null})").empty());
  CHECK(check(schema, R"({"amount":"abc"})") ==
        "property 'amount' breaks 'type': expected number or null, got string \"abc\"");
  CHECK(check(schema, R"({"name":null})") ==
        "property 'name' breaks 'type': expected string, got null");
  CHECK(check(schema, R"({"name":{"a":1}})") ==
        "property 'name' breaks 'type': expected string, got object");
  CHECK(check(schema, R"({"name":true})") ==
        "property 'name' breaks 'type': expected string, got boolean true");
}

TEST_CASE("type integer: no fraction or exponent, or a fraction of zeros") {
  const json schema = object_with({{"n", {{"type", "integer"}}}});
  CHECK(check(schema, R"({"n":12})").empty());
  CHECK(check(schema, R"({"n":-12345678901234567890123})").empty());
  CHECK(check(schema, R"({"n":12.000})").empty());
  CHECK(check(schema, R"({"n":12.5})") ==
        "property 'n' breaks 'type': expected integer, got number 12.5");
  CHECK(check(schema, R"({"n":1e3})") ==
        "property 'n' breaks 'type': expected integer, got number 1e3");
  CHECK(check(schema, R"({"n":"12"})") ==
        "property 'n' breaks 'type': expected integer, got string \"12\"");
}

TEST_CASE("required names the missing property") {
  const json schema = object_with({{"id", {{"type", "integer"}}}, {"name", {}}}, {"id", "name"});
  CHECK(check(schema, R"({"name":"a","id":1})").empty());
  CHECK(check(schema, R"({"id":1})") ==
        "property 'name' breaks 'required': required property is missing");
  CHECK(check(schema, R"({"id":1,"id":2})") ==
        "property 'name' breaks 'required': required property is missing");
}

TEST_CASE("additionalProperties false rejects undeclared properties; a schema checks them") {
  json schema = object_with({{"id", {}}});
  CHECK(check(schema, R"({"id":1,"extra":2})").empty());
  schema["additionalProperties"] = false;
  CHECK(check(schema, R"({"id":1,"extra":2})") ==
        "property 'extra' breaks 'additionalProperties': the schema does not declare this "
        "property and sets additionalProperties to false");
  schema["additionalProperties"] = {{"type", "string"}};
  CHECK(check(schema, R"({"id":1,"extra":"ok"})").empty());
  CHECK(check(schema, R"({"extra":2})") ==
        "property 'extra' breaks 'type': expected string, got number 2");
}

TEST_CASE("enum and const") {
  const json schema = object_with({{"status", {{"enum", {"open", "closed", nullptr}}}},
                                   {"level", {{"enum", {1, 2.5}}}},
                                   {"kind", {{"const", "order"}}}});
  CHECK(check(schema, R"({"status":"open","level":2.50,"kind":"order"})").empty());
  CHECK(check(schema, R"({"status":null,"level":1.0})").empty());
  CHECK(check(schema, R"({"status":"gone"})") ==
        "property 'status' breaks 'enum': expected one of [\"open\",\"closed\",null], got string "
        "\"gone\"");
  CHECK(check(schema, R"({"level":3})") ==
        "property 'level' breaks 'enum': expected one of [1,2.5], got number 3");
  CHECK(check(schema, R"({"kind":"Order"})") ==
        "property 'kind' breaks 'enum': expected one of [\"order\"], got string \"Order\"");
}

TEST_CASE("format date-time checks RFC 3339 syntax") {
  const json schema =
      object_with({{"at", {{"type", {"string", "null"}}, {"format", "date-time"}}}});
  for (const char *good : {"2024-02-29T12:30:00Z", "2024-05-01T23:59:60.123456+05:30",
                           "2024-05-01t00:00:00z", "2024-05-01 00:00:00-00:00"}) {
    CAPTURE(good);
    CHECK(check(schema, std::string(R"({"at":")") + good + "\"}").empty());
  }
  for (const char *bad : {"2023-02-29T12:30:00Z", "2024-05-01T12:30:00", "2024-05-01",
                          "2024-13-01T00:00:00Z", "2024-05-01T24:00:00Z", "2024-5-1T00:00:00Z",
                          "2024-05-01T00:00:00.Z", "2024-05-01T00:00:00+0100", "yesterday"}) {
    CAPTURE(bad);
    CHECK(check(schema, std::string(R"({"at":")") + bad + "\"}") ==
          std::string("property 'at' breaks 'format': expected a date-time (RFC 3339, e.g. "
                      "2024-05-01T12:30:00Z), got string \"") +
              bad + "\"");
  }
  CHECK(check(schema, R"({"at":null})").empty());
}

TEST_CASE("format date and time") {
  const json schema = object_with({{"d", {{"format", "date"}}}, {"t", {{"format", "time"}}}});
  CHECK(check(schema, R"({"d":"2000-02-29","t":"23:59:59"})").empty());
  CHECK(check(schema, R"({"t":"08:00:00.5+01:00"})").empty());
  CHECK(check(schema, R"({"d":"1900-02-29"})").find("breaks 'format'") != std::string::npos);
  CHECK(check(schema, R"({"d":"2000-02-29T00:00:00Z"})").find("breaks 'format'") !=
        std::string::npos);
  CHECK(check(schema, R"({"t":"8:00"})").find("breaks 'format'") != std::string::npos);
  CHECK(check(schema, R"({"d":5})").empty());  // formats only constrain strings
}

TEST_CASE("minimum, maximum and their exclusive forms") {
  const json schema = object_with({{"n", {{"minimum", 0}, {"maximum", 10.5}}},
                                   {"x", {{"exclusiveMinimum", 0}, {"exclusiveMaximum", 1}}},
                                   {"old", {{"minimum", 5}, {"exclusiveMinimum", true}}}});
  CHECK(check(schema, R"({"n":0,"x":0.5,"old":5.1})").empty());
  CHECK(check(schema, R"({"n":10.5})").empty());
  CHECK(check(schema, R"({"n":-0.001})") ==
        "property 'n' breaks 'minimum': expected at least 0, got number -0.001");
  CHECK(check(schema, R"({"n":1e400})") ==
        "property 'n' breaks 'maximum': expected at most 10.5, got number 1e400");
  CHECK(check(schema, R"({"x":0})") ==
        "property 'x' breaks 'exclusiveMinimum': expected more than 0, got number 0");
  CHECK(check(schema, R"({"x":1})") ==
        "property 'x' breaks 'exclusiveMaximum': expected less than 1, got number 1");
  CHECK(check(schema, R"({"old":5})").find("breaks 'exclusiveMinimum'") != std::string::npos);
  CHECK(check(schema, R"({"n":"x"})").empty());  // bounds only constrain numbers
}

TEST_CASE("integer bounds are compared exactly, at int64's limits and past them") {
  const json schema = object_with({{"id",
                                    {{"minimum", std::numeric_limits<std::int64_t>::min()},
                                     {"maximum", std::numeric_limits<std::int64_t>::max()}}},
                                   {"small", {{"minimum", -3}, {"maximum", 3}}}});
  CHECK(check(schema, R"({"id":9223372036854775807,"small":3})").empty());
  CHECK(check(schema, R"({"id":-9223372036854775808,"small":-3})").empty());
  CHECK(check(schema, R"({"small":-0})").empty());
  CHECK(check(schema, R"({"id":9223372036854775808})") ==
        "property 'id' breaks 'maximum': expected at most 9223372036854775807, got number "
        "9223372036854775808");
  CHECK(check(schema, R"({"id":-9223372036854775809})").find("breaks 'minimum'") !=
        std::string::npos);
  CHECK(check(schema, R"({"id":9223372036854775807.5})").find("breaks 'maximum'") !=
        std::string::npos);
  CHECK(check(schema, R"({"small":4})") ==
        "property 'small' breaks 'maximum': expected at most 3, got number 4");
  CHECK(check(schema, R"({"small":-4})") ==
        "property 'small' breaks 'minimum': expected at least -3, got number -4");
  CHECK(check(schema, R"({"small":3.0000000000000000001})").find("breaks 'maximum'") !=
        std::string::npos);
  CHECK(check(schema, R"({"small":3e0})").empty());
  CHECK(check(schema, R"({"small":4e0})").find("breaks 'maximum'") != std::string::npos);
}

TEST_CASE("maxLength and minLength count characters, not bytes") {
  const json schema = object_with({{"code", {{"minLength", 2}, {"maxLength", 3}}}});
  CHECK(check(schema, R"({"code":"ab"})").empty());
  CHECK(check(schema, R"({"code":"äöü"})").empty());
  CHECK(check(schema, R"({"code":"a"})") ==
        "property 'code' breaks 'minLength': expected at least 2 characters, got 1");
  CHECK(check(schema, R"({"code":"abcd"})") ==
        "property 'code' breaks 'maxLength': expected at most 3 characters, got 4");
}

TEST_CASE("lengths are counted in characters at the edges where bytes alone cannot tell") {
  const json schema = object_with({{"code", {{"minLength", 2}, {"maxLength", 4}}}});
  CHECK(check(schema, R"({"code":"\ud83d\ude00"})") ==  // one character of four bytes
        "property 'code' breaks 'minLength': expected at least 2 characters, got 1");
  CHECK(check(schema, "{\"code\":\"\xf0\x9f\x98\x80\xf0\x9f\x98\x80\"}").empty());  // 8 bytes, 2
  CHECK(check(schema, "{\"code\":\"\xc3\xa4\xc3\xb6\xc3\xbc\xc3\xa4\"}").empty());  // 8 bytes, 4
  CHECK(check(schema, "{\"code\":\"\xc3\xa4\xc3\xb6\xc3\xbc\xc3\xa4x\"}") ==
        "property 'code' breaks 'maxLength': expected at most 4 characters, got 5");
  CHECK(check(schema, R"({"code":"abcd"})").empty());
  CHECK(check(schema, R"({"code":"abcde"})").find("breaks 'maxLength'") != std::string::npos);
}

TEST_CASE(
    "pattern is searched in the unescaped text; one std::regex cannot compile is not checked") {
  const json schema =
      object_with({{"sku", {{"type", "string"}, {"pattern", "^[A-Z]{3}-[0-9]+$"}}},
                   {"note", {{"pattern", "\\t"}}},
                   {"free", {{"pattern", "(?<=a)b"}}}});  // lookbehind: not in ECMAScript 3
  CHECK(check(schema, R"({"sku":"ABC-12","note":"tab\there","free":"zzz"})").empty());
  CHECK(check(schema, R"({"sku":"abc-12"})") ==
        "property 'sku' breaks 'pattern': expected text matching ^[A-Z]{3}-[0-9]+$");
  CHECK(check(schema, R"({"note":"no tab"})").find("breaks 'pattern'") != std::string::npos);
}

TEST_CASE("$ref into the document, allOf and oneOf are checked") {
  const json schema = {
      {"type", "object"},
      {"definitions", {{"money", {{"type", "string"}, {"pattern", "^[0-9]+[.][0-9]{2}$"}}}}},
      {"properties",
       {{"price", {{"$ref", "#/definitions/money"}}},
        {"code", {{"allOf", {{{"type", "string"}}, {{"maxLength", 3}}}}}},
        {"id", {{"oneOf", {{{"type", "integer"}}, {{"type", "string"}, {"minLength", 1}}}}}},
        {"elsewhere", {{"$ref", "https://example.com/other.json"}}}}}};
  CHECK(check(schema, R"({"price":"12.50","code":"abc","id":7,"elsewhere":[1]})").empty());
  CHECK(check(schema, R"({"price":"12.5"})").find("property 'price' breaks 'pattern'") !=
        std::string::npos);
  CHECK(check(schema, R"({"code":"abcd"})").find("property 'code' breaks 'maxLength'") !=
        std::string::npos);
  CHECK(check(schema, R"({"id":true})") ==
        "property 'id' breaks 'oneOf': matches 0 of the 2 oneOf schemas, exactly one must "
        "match; got boolean true");
  // A schema that refers to itself is followed a bounded number of times.
  const json cyclic = {{"type", "object"},
                       {"properties", {{"node", {{"$ref", "#/properties/node"}}}}}};
  CHECK(check(cyclic, R"({"node":{"x":1}})").empty());
}

TEST_CASE("multipleOf") {
  const json schema = object_with(
      {{"qty", {{"type", "integer"}, {"multipleOf", 5}}}, {"price", {{"multipleOf", 0.01}}}});
  CHECK(check(schema, R"({"qty":15,"price":19.99})").empty());
  CHECK(check(schema, R"({"qty":-10.0})").empty());
  CHECK(check(schema, R"({"qty":12})") ==
        "property 'qty' breaks 'multipleOf': expected a multiple of 5, got number 12");
  CHECK(check(schema, R"({"price":19.995})").find("breaks 'multipleOf'") != std::string::npos);
  // Against a step of 10^-k, digits after the point decide; trailing zeros do not count.
  for (const char *multiple : {"19.9900", "-0.10", "5", "0.00", "1e-2", "-12.3"}) {
    CHECK_MESSAGE(check(schema, std::string(R"({"price":)") + multiple + "}").empty(), multiple);
  }
  for (const char *not_multiple : {"19.991", "-0.001", "0.0000001", "1e-3"}) {
    CHECK_MESSAGE(check(schema, std::string(R"({"price":)") + not_multiple + "}")
                          .find("breaks 'multipleOf'") != std::string::npos,
                  not_multiple);
  }
}

TEST_CASE("numeric keywords are compared on the exact decimal, not in double precision") {
  const json schema = object_with({{"price", {{"multipleOf", 0.01}}},
                                   {"id", {{"maximum", 9007199254740992}}},
                                   {"low", {{"exclusiveMinimum", 9007199254740992}}},
                                   {"code", {{"enum", {9007199254740993}}}}});
  CHECK(check(schema, R"({"price":123456789012345678.01})").empty());
  CHECK(check(schema, R"({"price":123456789012345678.015})") ==
        "property 'price' breaks 'multipleOf': expected a multiple of 0.01, got number "
        "123456789012345678.015");
  CHECK(check(schema, R"({"id":9007199254740992})").empty());
  CHECK(check(schema, R"({"id":9007199254740993})") ==
        "property 'id' breaks 'maximum': expected at most 9007199254740992, got number "
        "9007199254740993");
  CHECK(check(schema, R"({"low":9007199254740992.0000001})").empty());
  CHECK(check(schema, R"({"low":9007199254740992})").find("breaks 'exclusiveMinimum'") !=
        std::string::npos);
  CHECK(check(schema, R"({"code":9007199254740993})").empty());
  CHECK(check(schema, R"({"code":9007199254740992})").find("breaks 'enum'") != std::string::npos);
  CHECK(check(schema, R"({"id":1e-999,"low":1e999})").empty());
}

TEST_CASE("nested objects and arrays are checked, with a dotted path") {
  const json address = object_with({{"zip", {{"type", "string"}, {"maxLength", 5}}}}, {"zip"});
  const json schema = object_with(
      {{"customer", object_with({{"address", address}})},
       {"tags", {{"type", "array"}, {"items", {{"type", "string"}}}}},
       {"lines", {{"type", "array"}, {"items", object_with({{"qty", {{"type", "integer"}}}})}}}});
  CHECK(check(schema, R"({"customer":{"address":{"zip":"12345"}},"tags":["a"],)"
                      R"("lines":[{"qty":1},{"qty":2}]})")
            .empty());
  CHECK(check(schema, R"({"customer":{"address":{"zip":"123456"}}})") ==
        "property 'customer.address.zip' breaks 'maxLength': expected at most 5 characters, got 6");
  CHECK(check(schema, R"({"customer":{"address":{}}})") ==
        "property 'customer.address.zip' breaks 'required': required property is missing");
  CHECK(check(schema, R"({"tags":["a",2]})") ==
        "property 'tags[1]' breaks 'type': expected string, got number 2");
  CHECK(check(schema, R"({"lines":[{"qty":1},{"qty":2.5}]})") ==
        "property 'lines[1].qty' breaks 'type': expected integer, got number 2.5");
}

TEST_CASE("anyOf accepts a value that any alternative accepts") {
  const json schema = object_with(
      {{"at", {{"anyOf", {{{"type", "string"}, {"format", "date-time"}}, {{"type", "null"}}}}}}});
  CHECK(check(schema, R"({"at":"2024-05-01T00:00:00Z"})").empty());
  CHECK(check(schema, R"({"at":null})").empty());
  CHECK(check(schema, R"({"at":"soon"})") ==
        "property 'at' breaks 'anyOf': matches none of the anyOf schemas (expected string or "
        "null), got string \"soon\"");
  CHECK(check(schema, R"({"at":5})").find("breaks 'anyOf'") != std::string::npos);
}

TEST_CASE("unknown keywords are ignored and an empty schema accepts anything") {
  CHECK(check(json::object(), R"({"a":1,"b":[{}]})").empty());
  const json schema = object_with({{"a", {{"x-custom", 1}, {"contentMediaType", "text/html"}}}});
  CHECK(check(schema, R"({"a":"abc"})").empty());
}

TEST_CASE("properties in any order are all found") {
  const json schema = object_with(
      {{"a", {{"type", "integer"}}}, {"b", {{"type", "integer"}}}, {"c", {{"type", "integer"}}}},
      {"a", "b", "c"});
  CHECK(check(schema, R"({"c":1,"a":2,"b":3})").empty());
  CHECK(check(schema, R"({"c":1,"b":"x","a":2})") ==
        "property 'b' breaks 'type': expected integer, got string \"x\"");
}

TEST_CASE("a long string value is shortened in the message") {
  const json schema = object_with({{"s", {{"type", "integer"}}}});
  const std::string message = check(schema, "{\"s\":\"" + std::string(200, 'a') + "\"}");
  CHECK(message == "property 's' breaks 'type': expected integer, got string \"" +
                       std::string(60, 'a') + "...\"");
}

TEST_CASE("a stream schema must be an object schema with properties and real type names") {
  CHECK(stream_schema_problem(
            json::parse(R"({"type":"object","properties":{"id":{"type":"integer"}}})"))
            .empty());
  CHECK(stream_schema_problem(json::parse(R"({"properties":{}})")).empty());
  CHECK(stream_schema_problem(json::parse(R"({"type":"object"})")).find("no \"properties\"") !=
        std::string::npos);
  CHECK(stream_schema_problem(json::parse(R"({"type":"fish","properties":{}})"))
            .find("\"fish\", which is not a JSON Schema type") != std::string::npos);
  CHECK(stream_schema_problem(json::parse(R"({"type":"string","properties":{}})"))
            .find("a stream's records are objects") != std::string::npos);
  CHECK(
      stream_schema_problem(json::parse(
          R"({"type":"object","properties":{"a":{"type":"array","items":{"type":"strnig"}}}})")) ==
      "the schema.a.items has \"type\": \"strnig\", which is not a JSON Schema type (null, "
      "boolean, integer, number, string, object, array or a list of them)");
  CHECK(stream_schema_problem(json::parse(R"({"type":"object","properties":{"a":5}})"))
            .find("the schema.a is not a schema") != std::string::npos);
  CHECK(stream_schema_problem(json::parse("[1]")) == "the schema is not a JSON object");
}

TEST_CASE("validate lists the top-level properties the schema does not declare") {
  const json schema = object_with({{"id", {{"type", "integer"}}}});
  MemoryFile file(R"({"type":"RECORD","stream":"s","record":{"id":1,"extra":2,"more":{"x":1}}})"
                  "\n");
  MessageReader reader(file.fd());
  Message message;
  REQUIRE(reader.next(message));
  std::vector<std::string_view> undeclared;
  CHECK_FALSE(RecordValidator(schema).validate(message.record, &undeclared));
  CHECK(undeclared == std::vector<std::string_view>{"extra", "more"});
}

TEST_CASE("one validator checks each record by its own names when the field order changes") {
  const json schema = object_with({{"id", {{"type", "integer"}}}, {"name", {{"type", "string"}}}},
                                  json::array({"id", "name"}));
  MemoryFile file(R"({"type":"RECORD","stream":"s","record":{"id":1,"name":"a"}})"
                  "\n"
                  R"({"type":"RECORD","stream":"s","record":{"name":"b","id":2}})"
                  "\n"
                  R"({"type":"RECORD","stream":"s","record":{"name":3,"id":4}})"
                  "\n"
                  R"({"type":"RECORD","stream":"s","record":{"id":"x","name":"c"}})"
                  "\n"
                  R"({"type":"RECORD","stream":"s","record":{"idx":5,"name":"d"}})"
                  "\n");
  MessageReader reader(file.fd());
  RecordValidator validator(schema);
  std::vector<std::string> results;
  Message message;
  while (reader.next(message)) {
    std::vector<std::string_view> undeclared;
    const auto violation = validator.validate(message.record, &undeclared);
    std::string result = violation ? violation->to_string() : "valid";
    for (std::string_view name : undeclared) result += " +" + std::string(name);
    results.push_back(result);
  }
  REQUIRE(results.size() == 5);
  CHECK(results[0] == "valid");
  CHECK(results[1] == "valid");
  CHECK(results[2].find("property 'name' breaks 'type'") == 0);
  CHECK(results[3].find("property 'id' breaks 'type'") == 0);
  CHECK(results[4] == "property 'id' breaks 'required': required property is missing +idx");
}
