// target-redshift end to end on real servers: files staged in s3rver, loaded into PostgreSQL
// by the test-only stand-in for Redshift's COPY from S3 (copy_executor: postgres-standin).
// Everything after the COPY (staging table, de-duplication, DELETE + INSERT, evolution,
// grants, deletes) is the SQL a Redshift cluster would run.
#include <doctest/doctest.h>

#include <string>

#include "../thrown_error.h"
#include "chorus/plugin/errors.h"
#include "chorus/s3/client.h"
#include "standin_fixture.h"

using namespace chorus;
using namespace redshift_test;
using chorus::testing::thrown_message;

namespace {

const char *kOrdersSchema =
    R"({"type":"SCHEMA","stream":"orders","key_properties":["id"],"schema":{"type":"object",)"
    R"("properties":{"id":{"type":"integer"},"name":{"type":["string","null"],"maxLength":20},)"
    R"("amount":{"type":["number","null"],"multipleOf":0.01},"meta":{"type":["object","null"]},)"
    R"("updated_at":{"type":["string","null"],"format":"date-time"}}}})"
    "\n";

}  // namespace

TEST_CASE("records are staged, copied, de-duplicated and upserted, and state follows the load") {
  if (!have_servers()) return;
  const std::string schema = unique("rs_upsert");
  const std::string prefix = "tests/redshift/" + schema;
  nlohmann::json config = base_config(schema, prefix);
  std::string lines = kOrdersSchema;
  lines +=
      R"({"type":"RECORD","stream":"orders","record":{"id":1,"name":"first","amount":1.50,"meta":{"a":[1,2]},"updated_at":"2024-01-01T10:00:00Z"}})"
      "\n";
  lines +=
      R"({"type":"RECORD","stream":"orders","record":{"id":2,"name":"","amount":null,"meta":null,"updated_at":null}})"
      "\n";
  lines +=
      R"({"type":"RECORD","stream":"orders","record":{"id":3,"name":null,"amount":3,"meta":{},"updated_at":"2024-01-03T00:00:00+02:00"}})"
      "\n";
  lines +=
      R"({"type":"RECORD","stream":"orders","record":{"id":1,"name":"say \"hi\", bye","amount":1.75,"meta":{"a":[]},"updated_at":"2024-01-02T10:00:00Z"}})"
      "\n";
  lines += R"({"type":"STATE","value":{"bookmarks":{"orders":{"updated_at":"2024-01-03"}}}})"
           "\n";
  std::string out = run_target(config, lines);
  CHECK(out.find(R"("updated_at":"2024-01-03")") != std::string::npos);

  auto rows = query(
      "SELECT id, name, amount::text, meta::text, updated_at AT TIME ZONE 'UTC', "
      "_sdc_sequence IS NOT NULL, _sdc_received_at IS NOT NULL FROM \"" +
      schema + "\".orders ORDER BY id");
  REQUIRE(rows.size() == 3);
  CHECK(rows[0][1].as<std::string>() == "say \"hi\", bye");  // the later record for id 1 won
  CHECK(rows[0][2].as<std::string>() == "1.75");
  CHECK(rows[0][3].as<std::string>() == "{\"a\": []}");
  CHECK(rows[0][4].as<std::string>() == "2024-01-02 10:00:00");
  CHECK(rows[0][5].as<bool>());
  CHECK(rows[0][6].as<bool>());
  CHECK_FALSE(rows[1][1].is_null());  // the empty string stays an empty string
  CHECK(rows[1][1].as<std::string>().empty());
  CHECK(rows[1][2].is_null());
  CHECK(rows[2][1].is_null());  // NULL stays NULL
  CHECK(rows[2][4].as<std::string>() == "2024-01-02 22:00:00");

  // The staged files are gone after a successful load.
  s3::Client client(s3_config());
  CHECK(client.list_objects(prefix).empty());

  // A second run upserts by key and evolves the table for a new property.
  std::string second =
      R"({"type":"SCHEMA","stream":"orders","key_properties":["id"],"schema":{"type":"object",)"
      R"("properties":{"id":{"type":"integer"},"name":{"type":["string","null"],"maxLength":20},)"
      R"("status":{"type":["string","null"]}}}})"
      "\n";
  second +=
      R"({"type":"RECORD","stream":"orders","record":{"id":2,"name":"second","status":"paid"}})"
      "\n";
  second +=
      R"({"type":"RECORD","stream":"orders","record":{"id":4,"name":"fourth","status":"new"}})"
      "\n";
  run_target(config, second);
  auto after = query("SELECT id, name, status FROM \"" + schema + "\".orders ORDER BY id");
  REQUIRE(after.size() == 4);
  CHECK(after[1][1].as<std::string>() == "second");
  CHECK(after[1][2].as<std::string>() == "paid");
  CHECK(after[0][2].is_null());
  query("DROP SCHEMA \"" + schema + "\" CASCADE");
}

TEST_CASE("a stream without key properties is appended, duplicates included") {
  if (!have_servers()) return;
  const std::string schema = unique("rs_append");
  nlohmann::json config = base_config(schema, "tests/redshift/" + schema);
  std::string lines =
      R"({"type":"SCHEMA","stream":"events","key_properties":[],"schema":{"type":"object","properties":{"kind":{"type":"string"}}}})"
      "\n";
  for (int i = 0; i < 3; ++i) {
    lines += R"({"type":"RECORD","stream":"events","record":{"kind":"click"}})"
             "\n";
  }
  run_target(config, lines);
  run_target(config, lines);
  CHECK(query("SELECT count(*) FROM \"" + schema + "\".events")[0][0].as<int>() == 6);
  query("DROP SCHEMA \"" + schema + "\" CASCADE");
}

TEST_CASE("ACTIVATE_VERSION soft-deletes older versions, or removes them with hard_delete") {
  if (!have_servers()) return;
  for (bool hard : {false, true}) {
    CAPTURE(hard);
    const std::string schema = unique(hard ? "rs_hard" : "rs_soft");
    nlohmann::json config = base_config(schema, "tests/redshift/" + schema);
    config["hard_delete"] = hard;
    std::string lines =
        R"({"type":"SCHEMA","stream":"items","key_properties":["id"],"schema":{"type":"object","properties":{"id":{"type":"integer"}}}})"
        "\n";
    lines += R"({"type":"RECORD","stream":"items","version":1,"record":{"id":1}})"
             "\n";
    lines += R"({"type":"RECORD","stream":"items","version":1,"record":{"id":2}})"
             "\n";
    lines += R"({"type":"ACTIVATE_VERSION","stream":"items","version":1})"
             "\n";
    lines += R"({"type":"RECORD","stream":"items","version":2,"record":{"id":2}})"
             "\n";
    lines += R"({"type":"ACTIVATE_VERSION","stream":"items","version":2})"
             "\n";
    run_target(config, lines);
    auto rows =
        query("SELECT id, _sdc_deleted_at IS NOT NULL FROM \"" + schema + "\".items ORDER BY id");
    if (hard) {
      REQUIRE(rows.size() == 1);
      CHECK(rows[0][0].as<int>() == 2);
    } else {
      REQUIRE(rows.size() == 2);
      CHECK(rows[0][1].as<bool>());        // id 1 only in version 1: marked deleted
      CHECK_FALSE(rows[1][1].as<bool>());  // id 2 is in version 2
    }
    query("DROP SCHEMA \"" + schema + "\" CASCADE");
  }
}

TEST_CASE("hard_delete removes rows the tap marked with _sdc_deleted_at") {
  if (!have_servers()) return;
  const std::string schema = unique("rs_deleted");
  nlohmann::json config = base_config(schema, "tests/redshift/" + schema);
  config["hard_delete"] = true;
  std::string lines =
      R"({"type":"SCHEMA","stream":"users","key_properties":["id"],"schema":{"type":"object","properties":{"id":{"type":"integer"},"_sdc_deleted_at":{"type":["string","null"],"format":"date-time"}}}})"
      "\n";
  lines += R"({"type":"RECORD","stream":"users","record":{"id":1,"_sdc_deleted_at":null}})"
           "\n";
  lines += R"({"type":"RECORD","stream":"users","record":{"id":2,"_sdc_deleted_at":null}})"
           "\n";
  run_target(config, lines);
  lines =
      R"({"type":"SCHEMA","stream":"users","key_properties":["id"],"schema":{"type":"object","properties":{"id":{"type":"integer"},"_sdc_deleted_at":{"type":["string","null"],"format":"date-time"}}}})"
      "\n";
  lines +=
      R"({"type":"RECORD","stream":"users","record":{"id":2,"_sdc_deleted_at":"2024-02-01T00:00:00Z"}})"
      "\n";
  run_target(config, lines);
  auto rows = query("SELECT id FROM \"" + schema + "\".users");
  REQUIRE(rows.size() == 1);
  CHECK(rows[0][0].as<int>() == 1);
  query("DROP SCHEMA \"" + schema + "\" CASCADE");
}

TEST_CASE("a soft delete carrying only the key keeps the row's values") {
  if (!have_servers()) return;
  const std::string schema = unique("rs_soft_deleted");
  nlohmann::json config = base_config(schema, "tests/redshift/" + schema);
  const std::string users_schema =
      R"({"type":"SCHEMA","stream":"users","key_properties":["id"],"schema":{"type":"object","properties":{"id":{"type":"integer"},"name":{"type":["string","null"]},"_sdc_deleted_at":{"type":["string","null"],"format":"date-time"}}}})"
      "\n";
  run_target(config, users_schema +
                         R"({"type":"RECORD","stream":"users","record":{"id":1,"name":"ann"}})"
                         "\n"
                         R"({"type":"RECORD","stream":"users","record":{"id":2,"name":"bob"}})"
                         "\n");
  run_target(
      config,
      users_schema +
          R"({"type":"RECORD","stream":"users","record":{"id":2,"_sdc_deleted_at":"2024-02-01T00:00:00Z"}})"
          "\n");
  auto rows = query("SELECT id, name, _sdc_deleted_at IS NOT NULL FROM \"" + schema +
                    "\".users ORDER BY id");
  REQUIRE(rows.size() == 2);
  CHECK(rows[0][1].as<std::string>() == "ann");
  CHECK(rows[0][2].as<bool>() == false);
  CHECK(rows[1][1].as<std::string>() == "bob");
  CHECK(rows[1][2].as<bool>() == true);
  query("DROP SCHEMA \"" + schema + "\" CASCADE");
}

TEST_CASE("grants give each configured group read access to the schema") {
  if (!have_servers()) return;
  const std::string schema = unique("rs_grants");
  const std::string group = unique("rs_readers");
  query("CREATE ROLE \"" + group + "\" NOLOGIN");
  nlohmann::json config = base_config(schema, "tests/redshift/" + schema);
  config["grants"] = {{schema, {"GROUP " + group}}};
  std::string lines =
      R"({"type":"SCHEMA","stream":"things","key_properties":["id"],"schema":{"type":"object","properties":{"id":{"type":"integer"}}}})"
      "\n";
  lines += R"({"type":"RECORD","stream":"things","record":{"id":1}})"
           "\n";
  run_target(config, lines);
  CHECK(query("SELECT has_table_privilege('" + group + "', '\"" + schema +
              "\".things', 'SELECT')")[0][0]
            .as<bool>());
  CHECK(query("SELECT has_schema_privilege('" + group + "', '" + schema + "', 'USAGE')")[0][0]
            .as<bool>());
  query("DROP SCHEMA \"" + schema + "\" CASCADE");
  query("DROP ROLE \"" + group + "\"");
}

TEST_CASE("a COPY that the warehouse rejects names the stream and what to check") {
  if (!have_servers()) return;
  const std::string schema = unique("rs_reject");
  const std::string prefix = "tests/redshift/" + schema;
  nlohmann::json config = base_config(schema, prefix);
  config["validate_records"] = false;
  std::string lines =
      R"({"type":"SCHEMA","stream":"bad","key_properties":["id"],"schema":{"type":"object","properties":{"id":{"type":"integer"}}}})"
      "\n";
  lines += R"({"type":"RECORD","stream":"bad","record":{"id":"not a number"}})"
           "\n";
  const std::string message =
      thrown_message([&] { run_target(config, lines); }, "expected the load to fail");
  CHECK(message.find("stream 'bad'") != std::string::npos);
  CHECK(message.find("not a number") != std::string::npos);
  CHECK(query("SELECT count(*) FROM \"" + schema + "\".bad")[0][0].as<int>() == 0);
  // The staged files of the failed load are removed too (keep_staged_files is not set).
  s3::Client client(s3_config());
  CHECK(client.list_objects(prefix).empty());
  query("DROP SCHEMA \"" + schema + "\" CASCADE");
}
