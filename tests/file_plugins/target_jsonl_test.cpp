// target-jsonl through `chorus exec` and `chorus run`: exact values, appending across runs,
// torn lines, redeliveries, key checks, file names and record metadata.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "chorus_process.h"

namespace chorus::file_plugins_test {
namespace {

std::vector<nlohmann::json> jsonl_rows(const std::string &text) {
  std::vector<nlohmann::json> rows;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) rows.push_back(nlohmann::json::parse(line));
  return rows;
}

std::string orders_csv(int first, int last) {
  std::string text = first == 1 ? "id,amount,updated\n" : "";
  for (int i = first; i <= last; ++i) {
    text += std::to_string(i) + "," + std::to_string(i) + ".50,2026-01-01T00:00:0" +
            std::to_string(i) + "Z\n";
  }
  return text;
}

}  // namespace

TEST_CASE("target-jsonl writes each record as its JSON object, one per line, numbers exact") {
  Scratch scratch;
  RunResult result = load_fixture(scratch, "target-jsonl", "values_and_nulls.singer");
  CHECK(scratch.read("out/values.jsonl") ==
        "{\"id\":1,\"amount\":1234.50,\"ratio\":0.25,\"note\":\"plain\",\"flag\":true,"
        "\"tags\":[\"a\",\"b\"]}\n"
        "{\"id\":2,\"amount\":12345678901234567890.123456789,\"ratio\":null,\"note\":\"\","
        "\"flag\":false,\"tags\":[]}\n"
        "{\"id\":3,\"amount\":-0.000100,\"ratio\":1e3,\"note\":null,\"flag\":null,"
        "\"tags\":null}\n"
        "{\"id\":4,\"amount\":0,\"note\":\"comma, \\\"quote\\\" and\\nline break\","
        "\"flag\":true}\n");
  REQUIRE(result.states().size() == 1);
}

TEST_CASE("target-jsonl keeps appending when a stream's SCHEMA comes again") {
  Scratch scratch;
  load_fixture(scratch, "target-jsonl", "schema_growth.singer");
  CHECK(scratch.read("out/people.jsonl") ==
        "{\"id\":1,\"name\":\"Ada\"}\n"
        "{\"id\":2,\"name\":\"Grace\",\"email\":\"grace@example.com\"}\n");
}

TEST_CASE("three incremental runs into target-jsonl keep every row, each once") {
  Scratch scratch;
  scratch.write("data/orders.csv", orders_csv(1, 3));
  const auto tap = scratch.write_json("tap.json", {{"files",
                                                    {{{"entity", "orders"},
                                                      {"path", scratch.path("data/orders.csv")},
                                                      {"keys", {"id"}},
                                                      {"replication_key", "updated"}}}}});
  const auto target = scratch.write_json("target.json", {{"destination_path", "out"}});
  auto run = [&] {
    require_success(chorus({"run", "tap-csv", "target-jsonl", "--config", "tap-csv=" + tap.string(),
                            "--config", "target-jsonl=" + target.string(), "--state", "state.json"},
                           scratch.dir()));
  };
  run();
  scratch.write("data/orders.csv", orders_csv(1, 6));
  run();
  scratch.write("data/orders.csv", orders_csv(1, 9));
  run();
  // tap-csv reads rows >= the bookmark again, so each run re-sends the previous run's last row:
  // the same record, not written twice.
  std::vector<int> ids;
  for (const auto &row : jsonl_rows(scratch.read("out/orders.jsonl"))) {
    ids.push_back(row["id"].get<int>());
    CHECK(row.contains("_sdc_received_at"));
  }
  CHECK(ids == std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8, 9});
}

TEST_CASE("target-jsonl cuts a line an interrupted run left unfinished, then appends") {
  Scratch scratch;
  scratch.write("out/orders.jsonl", "{\"id\":1,\"status\":\"new\"}\n{\"id\":2,\"sta");
  auto config = scratch.write_target_config();
  auto input = scratch.write(
      "in.singer",
      "{\"type\":\"SCHEMA\",\"stream\":\"orders\",\"schema\":{\"type\":\"object\",\"properties\":"
      "{\"id\":{\"type\":\"integer\"},\"status\":{\"type\":\"string\"}}},\"key_properties\":"
      "[\"id\"]}\n"
      "{\"type\":\"RECORD\",\"stream\":\"orders\",\"record\":{\"id\":1,\"status\":\"new\"}}\n"
      "{\"type\":\"RECORD\",\"stream\":\"orders\",\"record\":{\"id\":2,\"status\":\"new\"}}\n"
      "{\"type\":\"RECORD\",\"stream\":\"orders\",\"record\":{\"id\":1,\"status\":\"paid\"}}\n");
  RunResult result = require_success(chorus_exec("target-jsonl", config, input));
  CHECK(result.err.find("left unfinished") != std::string::npos);
  // id 1 "new" is already the key's latest line: a redelivery. id 2 is new, id 1 "paid" a change.
  CHECK(scratch.read("out/orders.jsonl") ==
        "{\"id\":1,\"status\":\"new\"}\n{\"id\":2,\"status\":\"new\"}\n"
        "{\"id\":1,\"status\":\"paid\"}\n");
  CHECK(result.err.find("1 records were already the latest row of their key") != std::string::npos);
}

TEST_CASE("target-jsonl appends every record of a stream without keys, run after run") {
  Scratch scratch;
  auto config = scratch.write_target_config();
  for (int run = 0; run < 2; ++run) {
    require_success(chorus_exec("target-jsonl", config, fixture("appends_without_keys.singer")));
  }
  CHECK(jsonl_rows(scratch.read("out/events.jsonl")).size() == 6);
}

TEST_CASE("target-jsonl refuses a record without its key property, naming stream, line, key") {
  Scratch scratch;
  auto config = scratch.write_json("target.json", {{"destination_path", scratch.path("out")}});
  auto input = scratch.write(
      "in.singer",
      "{\"type\":\"SCHEMA\",\"stream\":\"orders\",\"schema\":{\"type\":\"object\",\"properties\":"
      "{\"id\":{\"type\":[\"integer\",\"null\"]},\"status\":{\"type\":\"string\"}}},"
      "\"key_properties\":[\"id\"]}\n"
      "{\"type\":\"RECORD\",\"stream\":\"orders\",\"record\":{\"id\":1,\"status\":\"new\"}}\n"
      "{\"type\":\"RECORD\",\"stream\":\"orders\",\"record\":{\"status\":\"lost\"}}\n");
  RunResult result = chorus_exec("target-jsonl", config, input);
  CHECK(result.exit_code != 0);
  CHECK(result.err.find("stream 'orders', line 3") != std::string::npos);
  CHECK(result.err.find("no value for key property 'id'") != std::string::npos);
  CHECK(result.states().empty());
}

TEST_CASE("different stream names give different files, the same name the same file") {
  Scratch scratch;
  auto config = scratch.write_target_config();
  std::string input;
  for (const std::string stream : {"a/b", "a_b", "a\\u0000b", "..", "50%"}) {
    input += "{\"type\":\"SCHEMA\",\"stream\":\"" + stream +
             "\",\"schema\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"}}},"
             "\"key_properties\":[]}\n"
             "{\"type\":\"RECORD\",\"stream\":\"" +
             stream + "\",\"record\":{\"id\":1}}\n";
  }
  auto path = scratch.write("in.singer", input);
  require_success(chorus_exec("target-jsonl", config, path));
  std::vector<std::string> names;
  for (const auto &entry : std::filesystem::directory_iterator(scratch.path("out"))) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{"%2E..jsonl", "50%25.jsonl", "a%00b.jsonl", "a%2Fb.jsonl",
                                          "a_b.jsonl"});
}

TEST_CASE("target-jsonl adds the _sdc_ metadata fields unless add_record_metadata is false") {
  Scratch scratch;
  auto input = scratch.write(
      "in.singer",
      "{\"type\":\"SCHEMA\",\"stream\":\"accounts\",\"schema\":{\"type\":\"object\",\"properties\":"
      "{\"id\":{\"type\":\"integer\"},\"_sdc_deleted_at\":{\"type\":[\"string\",\"null\"]}}},"
      "\"key_properties\":[\"id\"]}\n"
      "{\"type\":\"RECORD\",\"stream\":\"accounts\",\"record\":{\"id\":1},"
      "\"time_extracted\":\"2026-11-01T10:00:00Z\",\"version\":7}\n"
      "{\"type\":\"RECORD\",\"stream\":\"accounts\",\"record\":{\"id\":2,\"_sdc_deleted_at\":"
      "\"2026-11-02T00:00:00Z\"}}\n");
  auto config = scratch.write_json("target.json", {{"destination_path", scratch.path("on")}});
  RunResult result = require_success(chorus_exec("target-jsonl", config, input));
  const auto rows = jsonl_rows(scratch.read("on/accounts.jsonl"));
  REQUIRE(rows.size() == 2);
  CHECK(rows[0]["_sdc_extracted_at"] == "2026-11-01T10:00:00Z");
  CHECK(rows[0]["_sdc_table_version"] == 7);
  CHECK(rows[0]["_sdc_deleted_at"].is_null());
  CHECK(rows[0]["_sdc_received_at"].get<std::string>().size() == 24);  // ...T10:00:00.000Z
  CHECK(rows[0]["_sdc_batched_at"].is_string());
  CHECK(rows[1]["_sdc_sequence"].get<std::int64_t>() >
        rows[0]["_sdc_sequence"].get<std::int64_t>());
  CHECK(rows[1]["_sdc_deleted_at"] == "2026-11-02T00:00:00Z");
  CHECK(rows[1]["_sdc_extracted_at"].is_null());
  CHECK(rows[1]["_sdc_table_version"].is_null());

  auto off = scratch.write_json(
      "off.json", {{"destination_path", scratch.path("off")}, {"add_record_metadata", false}});
  result = require_success(chorus_exec("target-jsonl", off, input));
  CHECK(scratch.read("off/accounts.jsonl") ==
        "{\"id\":1}\n{\"id\":2,\"_sdc_deleted_at\":\"2026-11-02T00:00:00Z\"}\n");
}

}  // namespace chorus::file_plugins_test
