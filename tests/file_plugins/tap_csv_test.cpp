// tap-csv through `chorus exec`: type inference, RFC 4180 quoting, NULL vs empty string,
// incremental bookmarks and resumption, and the errors a user meets.
#include <doctest/doctest.h>

#include "chorus_process.h"

namespace chorus::file_plugins_test {
namespace {

nlohmann::json tap_config(const Scratch &scratch, nlohmann::json entry,
                          nlohmann::json extra = nlohmann::json::object()) {
  if (!entry.contains("path")) entry["path"] = (scratch.dir() / "data" / "*.csv").string();
  nlohmann::json config = extra;
  config["files"] = nlohmann::json::array({entry});
  return config;
}

nlohmann::json schema_of(const RunResult &result, const std::string &stream) {
  for (const auto &message : result.messages()) {
    if (message["type"] == "SCHEMA" && message["stream"] == stream) return message["schema"];
  }
  return nullptr;
}

std::vector<nlohmann::json> records_of(const RunResult &result) {
  std::vector<nlohmann::json> records;
  for (const auto &message : result.messages()) {
    if (message["type"] == "RECORD") records.push_back(message["record"]);
  }
  return records;
}

// The schema declared for prices.csv: sku a string, price a number or null.
const nlohmann::json kPricesSchema = {
    {"type", "object"},
    {"properties", {{"sku", {{"type", "string"}}}, {"price", {{"type", {"number", "null"}}}}}}};

// tap-csv with tap.json holding tap_config(scratch, entry, extra).
RunResult extract(const Scratch &scratch, const nlohmann::json &entry,
                  const nlohmann::json &extra = nlohmann::json::object()) {
  return chorus_exec("tap-csv", scratch.write_json("tap.json", tap_config(scratch, entry, extra)));
}

// tap-csv on data/prices.csv holding `csv`, with kPricesSchema declared for it.
RunResult run_with_declared_schema(const Scratch &scratch, const std::string &csv) {
  scratch.write("data/prices.csv", csv);
  return extract(scratch, {{"entity", "prices"}, {"schema", kPricesSchema}});
}

}  // namespace

TEST_CASE("tap-csv infers integer, exact decimal, boolean, date-time, date and string columns") {
  Scratch scratch;
  scratch.write("data/items.csv",
                "id,price,active,updated,day,code,mixed\n"
                "1,1234.50,true,2026-11-01 08:00:00,2026-11-01,007,1\n"
                "2,0.10,FALSE,2026-11-01T09:30:00+02:00,2026-11-02,010,x\n"
                "3,,,,,,\n");
  RunResult result = require_success(extract(scratch, {{"entity", "items"}}));

  nlohmann::json properties = schema_of(result, "items")["properties"];
  CHECK(properties["id"]["type"] == nlohmann::json({"integer", "null"}));
  CHECK(properties["price"]["type"] == nlohmann::json({"number", "null"}));
  CHECK(properties["price"]["x-sql-type"] == "decimal");
  CHECK(properties["active"]["type"] == nlohmann::json({"boolean", "null"}));
  CHECK(properties["updated"]["format"] == "date-time");
  CHECK(properties["day"]["format"] == "date");
  // Leading zeros make "007" a code, not a number.
  CHECK(properties["code"]["type"] == nlohmann::json({"string", "null"}));
  CHECK(properties["mixed"]["type"] == nlohmann::json({"string", "null"}));

  auto lines = result.record_lines();
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].find("\"price\":1234.50") != std::string::npos);
  CHECK(lines[1].find("\"price\":0.10") != std::string::npos);
  auto records = records_of(result);
  CHECK(records[0]["active"] == true);
  CHECK(records[1]["active"] == false);
  // Timestamps become RFC 3339; a naive one is taken as UTC, an offset is kept.
  CHECK(records[0]["updated"] == "2026-11-01T08:00:00Z");
  CHECK(records[1]["updated"] == "2026-11-01T09:30:00+02:00");
  CHECK(records[0]["code"] == "007");
  CHECK(records[2]["price"].is_null());
  CHECK(records[2]["active"].is_null());
}

TEST_CASE("tap-csv reads quoted fields with delimiters, doubled quotes and line breaks") {
  Scratch scratch;
  scratch.write("data/notes.csv",
                "id,text\r\n"
                "1,\"a, b\"\r\n"
                "2,\"say \"\"hi\"\"\"\r\n"
                "3,\"two\nlines\"\r\n"
                "4,plain\r\n");
  RunResult result = require_success(extract(scratch, {{"entity", "notes"}}));
  auto records = records_of(result);
  REQUIRE(records.size() == 4);
  CHECK(records[0]["text"] == "a, b");
  CHECK(records[1]["text"] == "say \"hi\"");
  CHECK(records[2]["text"] == "two\nlines");
  CHECK(records[3]["text"] == "plain");
}

TEST_CASE("tap-csv reads an empty quoted field as the empty string and an empty field as null") {
  Scratch scratch;
  scratch.write("data/people.csv", "id,nickname\n1,\"\"\n2,\n");
  RunResult result = require_success(extract(scratch, {{"entity", "people"}}));
  auto records = records_of(result);
  REQUIRE(records.size() == 2);
  CHECK(records[0]["nickname"] == "");
  CHECK(records[1]["nickname"].is_null());
}

TEST_CASE("tap-csv reads the files of a glob in sorted order under one stream") {
  Scratch scratch;
  scratch.write("data/b.csv", "id\n3\n");
  scratch.write("data/a.csv", "id\n1\n2\n");
  RunResult result = require_success(extract(scratch, {{"entity", "ids"}}));
  auto records = records_of(result);
  REQUIRE(records.size() == 3);
  CHECK(records[0]["id"] == 1);
  CHECK(records[2]["id"] == 3);
}

TEST_CASE("a tap-csv path that matches no file fails, saying which path and how to fix it") {
  Scratch scratch;
  scratch.write("data/orders.csv", "id\n1\n");
  RunResult result = extract(
      scratch, {{"entity", "orders"}, {"path", (scratch.dir() / "data" / "order*.cvs").string()}});
  CHECK(result.exit_code != 0);
  CHECK(result.err.find("stream 'orders': path '" +
                        (scratch.dir() / "data" / "order*.cvs").string() + "' matches no file") !=
        std::string::npos);
  CHECK(result.err.find("allow_empty: true") != std::string::npos);
  CHECK(result.out.empty());
}

TEST_CASE("allow_empty lets a tap-csv path that matches no file sync nothing, successfully") {
  Scratch scratch;
  RunResult result =
      require_success(extract(scratch, {{"entity", "orders"}}, {{"allow_empty", true}}));
  CHECK(records_of(result).empty());
}

TEST_CASE("tap-csv bookmarks the highest replication key and resumes at it, re-reading ties") {
  Scratch scratch;
  scratch.write("data/orders.csv",
                "id,updated\n"
                "1,2026-11-01T08:00:00Z\n"
                "2,2026-11-01 09:00:00\n"
                "3,2026-11-01T12:00:00+02:00\n");  // 10:00 UTC
  auto config = scratch.write_json(
      "tap.json",
      tap_config(scratch,
                 {{"entity", "orders"}, {"keys", {"id"}}, {"replication_key", "updated"}}));

  RunResult first = require_success(chorus_exec("tap-csv", config));
  CHECK(records_of(first).size() == 3);
  nlohmann::json state = first.states().back();
  CHECK(state["bookmarks"]["orders"]["replication_key"] == "updated");
  CHECK(state["bookmarks"]["orders"]["replication_key_value"] == "2026-11-01T12:00:00+02:00");

  // The next extract adds an older row (skipped), a tie (read again) and a newer row.
  scratch.write("data/orders.csv",
                "id,updated\n"
                "1,2026-11-01T08:00:00Z\n"
                "2,2026-11-01 09:00:00\n"
                "3,2026-11-01T12:00:00+02:00\n"
                "4,2026-11-01T09:59:59Z\n"
                "5,2026-11-01T10:00:00Z\n"
                "6,2026-11-01T10:00:01Z\n");
  auto state_file = scratch.write_json("state.json", state);
  RunResult second =
      require_success(chorus_exec("tap-csv", config, {}, {"--state", state_file.string()}));
  auto records = records_of(second);
  REQUIRE(records.size() == 3);
  CHECK(records[0]["id"] == 3);
  CHECK(records[1]["id"] == 5);
  CHECK(records[2]["id"] == 6);
  CHECK(second.states().back()["bookmarks"]["orders"]["replication_key_value"] ==
        "2026-11-01T10:00:01Z");
}

TEST_CASE("tap-csv writes STATE every state_every records, advancing only while keys are sorted") {
  Scratch scratch;
  scratch.write("data/events.csv", "n\n1\n2\n3\n4\n2\n6\n7\n");
  RunResult result = require_success(
      extract(scratch, {{"entity", "events"}, {"replication_key", "n"}}, {{"state_every", 2}}));
  auto states = result.states();
  REQUIRE(states.size() >= 4);
  auto value = [&](std::size_t i) {
    return states[i]["bookmarks"]["events"]["replication_key_value"];
  };
  CHECK(value(0) == 2);
  CHECK(value(1) == 4);
  // After the out-of-order 2, a STATE mid-stream must not promise more than it had.
  CHECK(value(2) == 4);
  CHECK(states.back()["bookmarks"]["events"]["replication_key_value"] == 7);
}

TEST_CASE("tap-csv uses a declared schema and names file, line and column of a value not fitting") {
  Scratch scratch;
  RunResult result = run_with_declared_schema(scratch, "sku,price\nA,1.50\nB,cheap\n");
  CHECK(result.exit_code != 0);
  CHECK(result.err.find("prices.csv' line 3") != std::string::npos);
  CHECK(result.err.find("column 'price'") != std::string::npos);
  CHECK(result.err.find("'cheap'") != std::string::npos);
}

TEST_CASE("tap-csv writes a declared schema as it is") {
  Scratch scratch;
  RunResult result = require_success(run_with_declared_schema(scratch, "sku,price\nA,1.50\n"));
  CHECK(schema_of(result, "prices") == kPricesSchema);
  CHECK(result.record_lines().at(0).find("\"price\":1.50") != std::string::npos);
}

TEST_CASE("tap-csv rejects a row with more fields than its header, naming the line") {
  Scratch scratch;
  scratch.write("data/bad.csv", "a,b\n1,2\n3,4,5\n");
  RunResult result = extract(scratch, {{"entity", "bad"}});
  CHECK(result.exit_code != 0);
  CHECK(result.err.find("line 3") != std::string::npos);
  CHECK(result.err.find("3 fields but the header has 2") != std::string::npos);
}

TEST_CASE("tap-csv rejects an unknown key in a files entry") {
  Scratch scratch;
  RunResult result = extract(scratch, {{"entity", "x"}, {"replication-key", "y"}});
  CHECK(result.exit_code != 0);
  CHECK(result.err.find("replication-key") != std::string::npos);
}

}  // namespace chorus::file_plugins_test
