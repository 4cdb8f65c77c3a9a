// The map engine on Singer messages: every stream_maps key, flattening, the types of the
// emitted SCHEMA, and the errors. The examples of the Meltano SDK's stream_maps.md are
// reproduced here with data of our own.
#include "chorus/maps/stream_maps.h"

#include <doctest/doctest.h>

#include "../thrown_error.h"
#include "chorus/plugin/errors.h"
#include "map_run.h"

using chorus::test::run_maps;
using chorus::testing::thrown_message;
using nlohmann::json;

namespace {

const std::string kCustomersSchema =
    R"({"type":"SCHEMA","stream":"customers","key_properties":["customer_id"],"schema":{"type":"object","properties":{"customer_id":{"type":"integer"},"email":{"type":["string","null"]},"full_name":{"type":"string"},"balance":{"type":"number"},"owner_email":{"type":"string"}}}})";
const std::string kAddressesSchema =
    R"({"type":"SCHEMA","stream":"addresses","key_properties":["id"],"schema":{"type":"object","properties":{"id":{"type":"integer"},"city":{"type":"string"}}}})";

std::string customer(int id, const std::string &email, const std::string &balance = "10.10") {
  return R"({"type":"RECORD","stream":"customers","record":{"customer_id":)" + std::to_string(id) +
         R"(,"email":")" + email + R"(","full_name":"Name )" + std::to_string(id) +
         R"(","balance":)" + balance + R"(,"owner_email":"owner)" + std::to_string(id) +
         R"(@corp.example"}})";
}
const std::string kAddress =
    R"({"type":"RECORD","stream":"addresses","record":{"id":1,"city":"Oslo"}})";
const std::string kState = R"({"type":"STATE","value":{"bookmarks":{"customers":{"id":2}}}})";

std::string config_error(const json &config, const std::vector<std::string> &lines) {
  return thrown_message<chorus::ConfigError>([&] { run_maps(config, lines); },
                                             "expected a config error");
}

std::string run_error(const json &config, const std::vector<std::string> &lines) {
  return thrown_message<chorus::FatalError>([&] { run_maps(config, lines); },
                                            "expected the run to fail");
}

}  // namespace

TEST_CASE("SDK example: drop email, add the email domain and a seeded hash") {
  const json config = {{"stream_maps",
                        {{"customers",
                          {{"email", nullptr},
                           {"email_domain", "owner_email.split('@')[-1]"},
                           {"email_hash", "md5(config['hash_seed'] + owner_email)"}}}}},
                       {"stream_map_config", {{"hash_seed", "01AWZh7A6DzGm6iJZZ2T"}}}};
  const auto run = run_maps(config, {kCustomersSchema, customer(1, "a@x.example")});
  const json schema = run.schema("customers")["schema"]["properties"];
  CHECK_FALSE(schema.contains("email"));
  CHECK(schema["email_domain"]["type"] == json({"string", "null"}));
  CHECK(schema["email_hash"]["type"] == json({"string", "null"}));
  const json record = run.records("customers").at(0);
  CHECK_FALSE(record.contains("email"));
  CHECK(record["email_domain"] == "corp.example");
  // md5 of "01AWZh7A6DzGm6iJZZ2T" + "owner1@corp.example", computed with coreutils md5sum.
  CHECK(record["email_hash"] == "2959b3dc07a294887ec0fa9b23f9e815");
  // The untouched decimal keeps its digits.
  CHECK(run.output.find("\"balance\":10.10") != std::string::npos);
}

TEST_CASE("SDK example: a stream set to null is not synced") {
  const auto run = run_maps({{"stream_maps", {{"addresses", nullptr}}}},
                            {kCustomersSchema, kAddressesSchema, customer(1, "a@x"), kAddress});
  CHECK(run.of("SCHEMA", "addresses").empty());
  CHECK(run.records("addresses").empty());
  CHECK(run.records("customers").size() == 1);
  const auto marker = run_maps({{"stream_maps", {{"addresses", "__NULL__"}}}},
                               {kCustomersSchema, kAddressesSchema, kAddress});
  CHECK(marker.records("addresses").empty());
}

TEST_CASE("SDK example: __else__ null at the top keeps only the declared streams") {
  const auto run =
      run_maps({{"stream_maps", {{"customers", json::object()}, {"__else__", nullptr}}}},
               {kCustomersSchema, kAddressesSchema, customer(1, "a@x"), kAddress});
  CHECK(run.records("customers").size() == 1);
  CHECK(run.of("SCHEMA", "addresses").empty());
  CHECK(run.records("addresses").empty());
}

TEST_CASE("SDK example: __else__ null in a stream keeps the declared properties and the key") {
  const json config = {
      {"stream_maps", {{"customers", {{"full_name", "full_name"}, {"__else__", nullptr}}}}}};
  const auto run = run_maps(config, {kCustomersSchema, customer(7, "a@x")});
  CHECK(run.records("customers").at(0) == json({{"customer_id", 7}, {"full_name", "Name 7"}}));
  const json properties = run.schema("customers")["schema"]["properties"];
  CHECK(properties.size() == 2);
  CHECK(properties["full_name"]["type"] == "string");  // an existing property keeps its type
}

TEST_CASE("SDK example: __key_properties__ replaces the key with a hashed one") {
  const json config = {{"stream_maps",
                        {{"customers",
                          {{"customer_id", nullptr},
                           {"customer_id_hashed", "md5(str(customer_id))"},
                           {"__key_properties__", {"customer_id_hashed"}}}}}}};
  const auto run = run_maps(config, {kCustomersSchema, customer(1, "a@x")});
  CHECK(run.schema("customers")["key_properties"] == json({"customer_id_hashed"}));
  CHECK(run.records("customers").at(0)["customer_id_hashed"] == "c4ca4238a0b923820dcc509a6f75849b");
  CHECK_FALSE(run.records("customers").at(0).contains("customer_id"));

  const auto keyless =
      run_maps({{"stream_maps", {{"customers", {{"__key_properties__", nullptr}}}}}},
               {kCustomersSchema, customer(1, "a@x")});
  CHECK(keyless.schema("customers")["key_properties"] == json::array());
}

TEST_CASE("a key property dropped without a new key is a config error at the SCHEMA") {
  const std::string error = config_error(
      {{"stream_maps", {{"customers", {{"customer_id", nullptr}}}}}}, {kCustomersSchema});
  CHECK(error.find("key property 'customer_id' is not in the mapped stream 'customers'") !=
        std::string::npos);
}

TEST_CASE("SDK example: __alias__ renames the stream in SCHEMA, RECORD and ACTIVATE_VERSION") {
  const auto run =
      run_maps({{"stream_maps", {{"customers", {{"__alias__", "customers_v2"}}}}}},
               {kCustomersSchema, customer(1, "a@x"),
                R"({"type":"ACTIVATE_VERSION","stream":"customers","version":5})", kState});
  CHECK(run.of("SCHEMA", "customers").empty());
  CHECK(run.records("customers_v2").size() == 1);
  CHECK(run.of("ACTIVATE_VERSION", "customers_v2").at(0)["version"] == 5);
  // STATE passes unchanged: bookmarks stay under the tap's stream names.
  CHECK(run.output.find(kState) != std::string::npos);
}

TEST_CASE("SDK example: __source__ splits the PII into a stream of its own") {
  const json config = {{"stream_maps",
                        {{"customers", {{"email", nullptr}, {"full_name", nullptr}}},
                         {"customers_pii",
                          {{"__source__", "customers"},
                           {"customer_id", "customer_id"},
                           {"email", "email"},
                           {"full_name", "full_name"},
                           {"__else__", nullptr}}}}}};
  const auto run = run_maps(config, {kCustomersSchema, customer(3, "c@x")});
  CHECK(run.records("customers").at(0) ==
        json({{"customer_id", 3}, {"balance", 10.10}, {"owner_email", "owner3@corp.example"}}));
  CHECK(run.records("customers_pii").at(0) ==
        json({{"customer_id", 3}, {"email", "c@x"}, {"full_name", "Name 3"}}));
  CHECK(run.schema("customers_pii")["key_properties"] == json({"customer_id"}));
  CHECK(run.schema("customers_pii")["schema"]["properties"]["email"]["type"] ==
        json({"string", "null"}));
}

TEST_CASE("SDK example: __filter__ keeps the records whose expression is true") {
  const auto run = run_maps(
      {{"stream_maps", {{"customers", {{"__filter__", "email.endswith('@example.com')"}}}}}},
      {kCustomersSchema, customer(1, "a@example.com"), customer(2, "b@other.org"),
       customer(3, "c@example.com")});
  const auto records = run.records("customers");
  REQUIRE(records.size() == 2);
  CHECK(records[0]["customer_id"] == 1);
  CHECK(records[1]["customer_id"] == 3);
}

TEST_CASE("a glob key maps every stream it matches, and __stream_name__ names each") {
  const auto run = run_maps({{"stream_maps", {{"*", {{"source", "__stream_name__"}}}}}},
                            {kCustomersSchema, kAddressesSchema, customer(1, "a@x"), kAddress});
  CHECK(run.records("customers").at(0)["source"] == "customers");
  CHECK(run.records("addresses").at(0)["source"] == "addresses");
}

TEST_CASE(
    "types: a cast gives its type, an existing property keeps its own, a new one is a string") {
  const json config = {{"stream_maps",
                        {{"customers",
                          {{"balance", "balance * 2"},
                           {"id_text", "str(customer_id)"},
                           {"cents", "int(float(balance) * 100)"},
                           {"ratio", "float(customer_id) / 4"},
                           {"has_email", "bool(email)"},
                           {"id_copy", "customer_id"},
                           {"label", "full_name.upper()"}}}}}};
  const auto run = run_maps(config, {kCustomersSchema, customer(2, "a@x", "1.25")});
  const json schema = run.schema("customers")["schema"]["properties"];
  CHECK(schema["balance"]["type"] == "number");
  CHECK(schema["id_text"]["type"] == json({"string", "null"}));
  CHECK(schema["cents"]["type"] == json({"integer", "null"}));
  CHECK(schema["ratio"]["type"] == json({"number", "null"}));
  CHECK(schema["has_email"]["type"] == json({"boolean", "null"}));
  CHECK(schema["id_copy"]["type"] == "integer");
  CHECK(schema["label"]["type"] == json({"string", "null"}));
  const json record = run.records("customers").at(0);
  CHECK(record["balance"] == 2.5);
  CHECK(record["id_text"] == "2");
  CHECK(record["cents"] == 125);
  CHECK(record["ratio"] == 0.5);
  CHECK(record["has_email"] == true);
  CHECK(record["id_copy"] == 2);
  CHECK(record["label"] == "NAME 2");
}

TEST_CASE("a computed value that does not fit the emitted SCHEMA fails the run, naming it") {
  const std::string error =
      run_error({{"stream_maps", {{"customers", {{"doubled", "customer_id * 2"}}}}}},
                {kCustomersSchema, customer(4, "a@x")});
  CHECK(error.find("mapper-test: stream 'customers', line 2") != std::string::npos);
  CHECK(error.find("property 'doubled' is null or string in the emitted SCHEMA") !=
        std::string::npos);
  CHECK(error.find("gave 8") != std::string::npos);
}

TEST_CASE("a filter that fails on a record fails the run naming stream, line, expression, value") {
  const std::string missing =
      R"({"type":"RECORD","stream":"customers","record":{"customer_id":5,"email":null}})";
  const std::string error = run_error(
      {{"stream_maps", {{"customers", {{"__filter__", "email.endswith('@example.com')"}}}}}},
      {kCustomersSchema, customer(1, "a@example.com"), missing});
  CHECK(error.find("mapper-test: stream 'customers', line 3: stream_maps.customers.__filter__") !=
        std::string::npos);
  CHECK(error.find("'NoneType' object has no attribute 'endswith': None") != std::string::npos);
  CHECK(error.find("\"email.endswith('@example.com')\"") != std::string::npos);

  // Guarded, the same record is filtered out.
  const auto guarded = run_maps(
      {{"stream_maps",
        {{"customers", {{"__filter__", "email is not None and email.endswith('@example.com')"}}}}}},
      {kCustomersSchema, customer(1, "a@example.com"), missing});
  CHECK(guarded.records("customers").size() == 1);
}

TEST_CASE("a stream_maps key that matches no stream is an error, and STATE is held back") {
  const std::string error = config_error({{"stream_maps", {{"custmers", {{"email", nullptr}}}}}},
                                         {kCustomersSchema, customer(1, "a@x"), kState});
  CHECK(error.find("stream_maps key(s) custmers matched no stream; the streams seen were: "
                   "customers") != std::string::npos);
  const std::string source =
      config_error({{"stream_maps", {{"copy", {{"__source__", "nothing"}}}}}}, {kCustomersSchema});
  CHECK(source.find("copy (__source__ nothing)") != std::string::npos);
}

TEST_CASE("config mistakes are refused with the key and the expression") {
  CHECK(config_error({{"stream_maps", {{"customers", {{"__alias", "x"}}}}}}, {})
            .find("stream_maps.customers.__alias is not an operation") == std::string::npos);
  CHECK(config_error({{"stream_maps", {{"customers", {{"__aliass__", "x"}}}}}}, {})
            .find("stream_maps.customers.__aliass__ is not an operation") != std::string::npos);
  CHECK(config_error({{"stream_maps", {{"customers", {{"x", "email.title()"}}}}}}, {})
            .find("stream_maps.customers.x: unknown attribute 'title'") != std::string::npos);
  CHECK(config_error({{"stream_maps", {{"customers", {{"x", 5}}}}}}, {})
            .find("must be an expression (a string), null or \"__NULL__\"; got 5") !=
        std::string::npos);
  CHECK(config_error({{"stream_maps", {{"customers", {{"__else__", "keep"}}}}}}, {})
            .find("can only be null") != std::string::npos);
  CHECK(
      config_error({{"stream_maps", {{"customers", {{"x", "emial.lower()"}}}}}}, {kCustomersSchema})
          .find("reads 'emial', which the SCHEMA of stream 'customers' does not have (did you "
                "mean 'email'?)") != std::string::npos);
  CHECK(config_error({{"stream_maps", {{"customers", {{"phone", nullptr}}}}}}, {kCustomersSchema})
            .find("drops property 'phone', which the SCHEMA of stream 'customers' does not have") !=
        std::string::npos);
  CHECK(config_error({{"stream_maps", {{"customers", {{"__alias__", "addresses"}}}}}},
                     {kCustomersSchema, kAddressesSchema})
            .find("are both mapped to stream 'addresses'") != std::string::npos);
}

namespace {
const std::string kNestedSchema =
    R"({"type":"SCHEMA","stream":"users","key_properties":["id"],"schema":{"type":"object","properties":{"id":{"type":"integer"},"user":{"type":["object","null"],"properties":{"first_name":{"type":"string"},"id":{"type":"string"},"address":{"type":"object","properties":{"city":{"type":"string"},"geo":{"type":"object","properties":{"lat":{"type":"number"}}}}}}},"tags":{"type":"array","items":{"type":"string"}}}}})";
const std::string kNestedRecord =
    R"({"type":"RECORD","stream":"users","record":{"id":1,"user":{"first_name":"Jane","id":"jcarter","address":{"city":"Oslo","geo":{"lat":59.91370}}},"tags":["a","b"]}})";
}  // namespace

TEST_CASE("SDK example: flattening expands nested objects into parent__child columns") {
  const auto run = run_maps({{"flattening_enabled", true}, {"flattening_max_depth", 10}},
                            {kNestedSchema, kNestedRecord});
  const json properties = run.schema("users")["schema"]["properties"];
  CHECK(properties.contains("user__first_name"));
  CHECK(properties.contains("user__id"));
  CHECK(properties["user__address__geo__lat"]["type"] == "number");
  CHECK_FALSE(properties.contains("user"));
  CHECK(properties["tags"]["type"] == "string");  // an array is written as JSON text
  const json record = run.records("users").at(0);
  CHECK(record["user__first_name"] == "Jane");
  CHECK(record["user__address__city"] == "Oslo");
  CHECK(record["tags"] == R"(["a","b"])");
  CHECK(run.output.find("\"user__address__geo__lat\":59.91370") != std::string::npos);
}

TEST_CASE("flattening stops at flattening_max_depth and writes deeper objects as JSON text") {
  const auto run = run_maps({{"flattening_enabled", true}, {"flattening_max_depth", 1}},
                            {kNestedSchema, kNestedRecord});
  const json properties = run.schema("users")["schema"]["properties"];
  CHECK(properties["user__address"]["type"] == "string");
  const json record = run.records("users").at(0);
  CHECK(record["user__address"] == R"({"city":"Oslo","geo":{"lat":59.91370}})");
  CHECK(record["user__id"] == "jcarter");
}

TEST_CASE("maps run before flattening, and a null object leaves its columns null") {
  const auto run = run_maps(
      {{"flattening_enabled", true},
       {"stream_maps", {{"users", {{"tags", nullptr}, {"__alias__", "people"}}}}}},
      {kNestedSchema, R"({"type":"RECORD","stream":"users","record":{"id":2,"user":null}})"});
  CHECK_FALSE(run.schema("people")["schema"]["properties"].contains("tags"));
  CHECK(run.records("people").at(0) == json({{"id", 2}}));
}

TEST_CASE("long flattened names are shortened as the SDK does") {
  const std::string long_part(130, 'a');
  // 147 + 2 + 139 characters: the first part is reduced (CustomerAddressAaa... -> "caa"), and
  // the name is short enough then.
  CHECK(chorus::maps::flattened_column({"customer_address_" + long_part,
                                        "zip_code_" + long_part}) == "caa__zip_code_" + long_part);
  CHECK(chorus::maps::flattened_column({"a", "b"}) == "a__b");
}
