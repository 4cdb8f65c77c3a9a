// Mapper::run through the ABI: SCHEMA, RECORD and BATCH records through the hooks, the rest
// passed through.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "fixture_plugins.h"

using chorus::test::MarkingMapper;
using chorus::test::run_plugin;
using chorus::test::RunOptions;
using chorus::test::TestHost;

TEST_CASE("a mapper maps SCHEMA and RECORD and passes STATE and ACTIVATE_VERSION through as is") {
  // Odd spacing proves the STATE line is passed through, not re-serialised.
  const std::string state_line = R"({"type": "STATE",  "value": {"bookmarks": {"orders": 1}}})";
  const std::string activate_line = R"({"type":"ACTIVATE_VERSION", "stream":"orders","version":3})";
  RunOptions options;
  options.input =
      R"({"type":"SCHEMA","stream":"orders","schema":{"type":"object","properties":{"id":{"type":"integer"}}},"key_properties":["id"]})"
      "\n"
      R"({"type":"RECORD","stream":"orders","record":{"id":12.50}})"
      "\n" +
      state_line + "\n" + activate_line + "\n";
  TestHost host;
  const auto result = run_plugin<MarkingMapper>(host, nlohmann::json::object(), options);
  REQUIRE(result.run_status == CHORUS_OK);
  REQUIRE(result.messages.size() == 4);
  CHECK(result.messages[0]["schema"]["properties"]["mapped"]["type"] == "boolean");
  CHECK(result.messages[0]["key_properties"] == nlohmann::json({"id"}));
  CHECK(result.messages[1]["record"]["mapped"] == true);
  // Numbers pass through as their text.
  CHECK(result.output.find("12.50") != std::string::npos);
  CHECK(result.output.find(state_line + "\n") != std::string::npos);
  CHECK(result.output.find(activate_line + "\n") != std::string::npos);
}

TEST_CASE("a mapper maps the records of a BATCH message's files and sends them on as RECORDs") {
  const std::string file =
      std::string(CHORUS_BINARY_DIR) + "/mapper-batch-" + std::to_string(getpid()) + ".jsonl";
  std::ofstream(file) << "{\"id\":1}\n{\"id\":2.50}\n";
  RunOptions options;
  options.input =
      R"({"type":"SCHEMA","stream":"orders","schema":{"type":"object","properties":{"id":{"type":"number"}}},"key_properties":["id"]})"
      "\n"
      R"({"type":"BATCH","stream":"orders","encoding":{"format":"jsonl","compression":"none"},"manifest":["file://)" +
      file + "\"]}\n";
  TestHost host;
  const auto result = run_plugin<MarkingMapper>(
      host, {{"batch_file_roots", {std::string(CHORUS_BINARY_DIR)}}}, options);
  std::remove(file.c_str());
  REQUIRE_MESSAGE(result.run_status == CHORUS_OK, host.last_error);
  REQUIRE(result.messages.size() == 3);
  for (int i : {1, 2}) {
    CHECK(result.messages[i]["type"] == "RECORD");
    CHECK(result.messages[i]["record"]["mapped"] == true);
  }
  CHECK(result.output.find("\"id\":2.50") != std::string::npos);
  CHECK(result.output.find("BATCH") == std::string::npos);
}
