// Target::run through the ABI: sinks per stream, STATE only after a complete drain, schema
// changes, ACTIVATE_VERSION, validation, and errors that name the stream and the line.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>

#include "fixture_plugins.h"

// The fixture plugins and the test host (fixture_plugins.h).
using namespace chorus::test;

namespace {

const char *kOrdersSchema =
    R"({"type":"SCHEMA","stream":"orders","schema":{"type":"object","properties":{"id":{"type":"integer"}}},"key_properties":["id"]})";

std::string record(const std::string &stream, int id) {
  return R"({"type":"RECORD","stream":")" + stream + R"(","record":{"id":)" + std::to_string(id) +
         "}}";
}
std::string state(int n) { return R"({"type":"STATE","value":{"n":)" + std::to_string(n) + "}}"; }
std::string schema_of(const std::string &stream) {
  std::string text = kOrdersSchema;
  return text.replace(text.find("orders"), 6, stream);
}

std::string lines(const std::vector<std::string> &messages) {
  std::string text;
  for (const auto &message : messages) text += message + "\n";
  return text;
}

chorus::test::RunResult run_target(TestHost &host, const nlohmann::json &config,
                                   const std::vector<std::string> &input) {
  journal() = chorus::test::Journal{};
  RunOptions options;
  options.input = lines(input);
  return run_plugin<JournalTarget>(host, config, options);
}

std::vector<int> state_numbers(const chorus::test::RunResult &result) {
  std::vector<int> numbers;
  for (const auto &message : messages_of(result.messages, "STATE")) {
    numbers.push_back(message["value"]["n"].get<int>());
  }
  return numbers;
}

}  // namespace

TEST_CASE("a STATE is written only after the records before it are drained") {
  TestHost host;
  const auto result = run_target(host, {{"batch_size_rows", 2}},
                                 {kOrdersSchema, record("orders", 1), record("orders", 2), state(1),
                                  record("orders", 3), state(2), record("orders", 4)});
  REQUIRE(result.run_status == CHORUS_OK);
  // Line 4's STATE follows a full drain, so it goes out at once; line 6's STATE waits until the
  // drain of lines 5 and 7 (that drain still sees only one STATE written).
  CHECK(journal().events ==
        std::vector<std::string>{"sink orders", "drain orders lines 2,3 after 0 states",
                                 "drain orders lines 5,7 after 1 states", "finish orders"});
  CHECK(state_numbers(result) == std::vector<int>{1, 2});
}

TEST_CASE("without a drain before the end, only the last STATE is written, after finish") {
  TestHost host;
  const auto result = run_target(
      host, {}, {kOrdersSchema, record("orders", 1), state(1), record("orders", 2), state(2)});
  REQUIRE(result.run_status == CHORUS_OK);
  CHECK(journal().events == std::vector<std::string>{"sink orders",
                                                     "drain orders lines 2,4 after 0 states",
                                                     "finish orders"});
  CHECK(state_numbers(result) == std::vector<int>{2});
}

TEST_CASE("a STATE waits for every stream's sink, not only the one that filled up") {
  TestHost host;
  const auto result = run_target(host, {{"batch_size_rows", 2}},
                                 {kOrdersSchema, schema_of("customers"), record("customers", 1),
                                  record("orders", 1), state(1), record("orders", 2)});
  REQUIRE(result.run_status == CHORUS_OK);
  CHECK(journal().events == std::vector<std::string>{"sink orders", "sink customers",
                                                     "drain customers lines 3 after 0 states",
                                                     "drain orders lines 4,6 after 0 states",
                                                     "finish customers", "finish orders"});
  CHECK(state_numbers(result) == std::vector<int>{1});
}

TEST_CASE("a zero wait limit drains after every record, so each STATE goes out at once") {
  TestHost host;
  const auto result =
      run_target(host, {{"batch_wait_limit_seconds", 0}},
                 {kOrdersSchema, record("orders", 1), state(1), record("orders", 2), state(2)});
  REQUIRE(result.run_status == CHORUS_OK);
  CHECK(journal().events ==
        std::vector<std::string>{"sink orders", "drain orders lines 2 after 0 states",
                                 "drain orders lines 4 after 1 states", "finish orders"});
  CHECK(state_numbers(result) == std::vector<int>{1, 2});
}

TEST_CASE("a RECORD before its SCHEMA is an error naming the stream and the line") {
  TestHost host;
  const auto result = run_target(host, {}, {kOrdersSchema, state(1), record("customers", 1)});
  CHECK(result.run_status == CHORUS_ERR_FATAL);
  CHECK(host.last_error.find("RECORD for stream 'customers' at line 3 arrived before its SCHEMA") !=
        std::string::npos);
}

TEST_CASE("an invalid record is an error naming the stream, line, property and rule") {
  TestHost host;
  const std::string bad = R"({"type":"RECORD","stream":"orders","record":{"id":"abc"}})";
  const auto result = run_target(host, {}, {kOrdersSchema, record("orders", 1), bad});
  CHECK(result.run_status == CHORUS_ERR_FATAL);
  CHECK(host.last_error.find("stream 'orders' at line 3") != std::string::npos);
  CHECK(host.last_error.find("'id'") != std::string::npos);
  CHECK(host.last_error.find("'type'") != std::string::npos);
  CHECK(host.last_error.find("validate_records") != std::string::npos);

  TestHost lenient;
  CHECK(run_target(lenient, {{"validate_records", false}}, {kOrdersSchema, bad}).run_status ==
        CHORUS_OK);
}

TEST_CASE("a repeated SCHEMA changes nothing; a different one replaces the sink after a drain") {
  TestHost host;
  const std::string wider =
      R"({"type":"SCHEMA","stream":"orders","schema":{"type":"object","properties":{"id":{"type":"integer"},"x":{"type":"string"}}},"key_properties":["id"]})";
  const auto result = run_target(host, {},
                                 {kOrdersSchema, record("orders", 1), kOrdersSchema,
                                  record("orders", 2), wider, record("orders", 3)});
  REQUIRE(result.run_status == CHORUS_OK);
  CHECK(journal().sinks_made == 2);
  CHECK(journal().events ==
        std::vector<std::string>{"sink orders", "drain orders lines 2,4 after 0 states",
                                 "finish orders", "sink orders",
                                 "drain orders lines 6 after 0 states", "finish orders"});
}

TEST_CASE("ACTIVATE_VERSION drains the stream's sink before activating the version") {
  TestHost host;
  const auto result = run_target(
      host, {},
      {kOrdersSchema, record("orders", 1),
       R"({"type":"ACTIVATE_VERSION","stream":"orders","version":7})", record("orders", 2)});
  REQUIRE(result.run_status == CHORUS_OK);
  CHECK(journal().events ==
        std::vector<std::string>{"sink orders", "drain orders lines 2 after 0 states",
                                 "activate orders 7", "drain orders lines 4 after 0 states",
                                 "finish orders"});
}

TEST_CASE("record metadata carries the line, a growing sequence and an RFC 3339 time") {
  TestHost host;
  const auto result = run_target(
      host, {}, {kOrdersSchema, record("orders", 1), record("orders", 2), record("orders", 3)});
  REQUIRE(result.run_status == CHORUS_OK);
  const auto &metas = journal().metas;
  REQUIRE(metas.size() == 3);
  const std::regex rfc3339(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");
  for (std::size_t i = 0; i < metas.size(); ++i) {
    CHECK(metas[i].line_number == i + 2);
    CHECK(std::regex_match(journal().received_at[i], rfc3339));
    if (i > 0) CHECK(metas[i].sequence > metas[i - 1].sequence);
  }
}

TEST_CASE("a failing sink is reported with the stream and the lines it held") {
  TestHost host;
  const auto result = run_target(host, {}, {schema_of("explode"), record("explode", 1)});
  CHECK(result.run_status == CHORUS_ERR_FATAL);
  CHECK(host.last_error.find("draining stream 'explode' (records up to line 2)") !=
        std::string::npos);
  CHECK(host.last_error.find("warehouse said no") != std::string::npos);
}

TEST_CASE("malformed input is reported with its line") {
  TestHost host;
  const auto result = run_target(host, {}, {kOrdersSchema, record("orders", 1), "{not json"});
  CHECK(result.run_status == CHORUS_ERR_FATAL);
  CHECK(host.last_error.find("line 3") != std::string::npos);
}

namespace {

// A folder under the build tree for BATCH files, removed afterwards.
struct BatchFolder {
  std::string path = std::string(CHORUS_BINARY_DIR) + "/batch-files-" + std::to_string(getpid());
  BatchFolder() { std::system(("mkdir -p '" + path + "'").c_str()); }
  ~BatchFolder() { std::system(("rm -rf '" + path + "'").c_str()); }
  std::string write(const std::string &name, const std::string &text) const {
    std::ofstream(path + "/" + name) << text;
    return path + "/" + name;
  }
};

std::string batch_message(const std::string &compression, const std::vector<std::string> &files) {
  nlohmann::json manifest = nlohmann::json::array();
  for (const auto &file : files) manifest.push_back("file://" + file);
  return nlohmann::json{{"type", "BATCH"},
                        {"stream", "orders"},
                        {"encoding", {{"format", "jsonl"}, {"compression", compression}}},
                        {"manifest", manifest}}
      .dump();
}

}  // namespace

TEST_CASE("the records of a BATCH message's JSON Lines files load like RECORDs") {
  BatchFolder folder;
  const std::string plain = folder.write("a.jsonl", "{\"id\":1}\n\n{\"id\":2}\n");
  folder.write("b.jsonl", "{\"id\":3}\n");
  REQUIRE(std::system(("gzip '" + folder.path + "/b.jsonl'").c_str()) == 0);
  TestHost host;
  const auto result = run_target(
      host, {{"batch_file_roots", {folder.path}}},
      {kOrdersSchema, batch_message("gzip", {plain}),
       batch_message("gzip", {folder.path + "/b.jsonl.gz"}), record("orders", 4), state(1)});
  REQUIRE_MESSAGE(result.run_status == CHORUS_OK, host.last_error);
  // Batch records carry the line of their BATCH message.
  CHECK(journal().events == std::vector<std::string>{"sink orders",
                                                     "drain orders lines 2,2,3,4 after 0 states",
                                                     "finish orders"});
  CHECK(state_numbers(result) == std::vector<int>{1});
}

TEST_CASE("a record of a BATCH file that breaks the schema names the file and its line") {
  BatchFolder folder;
  const std::string file = folder.write("bad.jsonl", "{\"id\":1}\n{\"id\":\"two\"}\n");
  TestHost host;
  const auto result = run_target(host, {{"batch_file_roots", {folder.path}}},
                                 {kOrdersSchema, batch_message("none", {file})});
  CHECK(result.run_status == CHORUS_ERR_FATAL);
  CHECK(host.last_error.find("BATCH for stream 'orders' at line 2") != std::string::npos);
  CHECK(host.last_error.find("file '" + file + "' line 2") != std::string::npos);
  CHECK(host.last_error.find("is invalid") != std::string::npos);
}

TEST_CASE("a BATCH chorus cannot read is refused, saying what it can read") {
  BatchFolder folder;
  TestHost host;
  auto refused = [&](const std::string &message) {
    const auto result =
        run_target(host, {{"batch_file_roots", {folder.path}}}, {kOrdersSchema, message});
    CHECK(result.run_status == CHORUS_ERR_FATAL);
    CHECK(host.last_error.find("BATCH for stream 'orders' at line 2") != std::string::npos);
    return host.last_error;
  };
  CHECK(refused(R"({"type":"BATCH","stream":"orders","encoding":{"format":"jsonl"},)"
                R"("manifest":["s3://bucket/orders.jsonl.gz"]})")
            .find("file:///absolute/path") != std::string::npos);
  CHECK(refused(R"({"type":"BATCH","stream":"orders","encoding":{"format":"parquet"},)"
                R"("manifest":[]})")
            .find("read \"jsonl\"") != std::string::npos);
  CHECK(refused(batch_message("none", {folder.path + "/no-such-file.jsonl"}))
            .find("cannot be opened") != std::string::npos);
}

TEST_CASE("BATCH files are read only under the folders batch_file_roots allows") {
  BatchFolder allowed;
  BatchFolder outside;
  outside.path += "-outside";
  std::system(("mkdir -p '" + outside.path + "'").c_str());
  const std::string secret = outside.write("secret.jsonl", "{\"id\":424242}\n");
  const std::string escape = allowed.path + "/../" +
                             std::filesystem::path(outside.path).filename().string() +
                             "/secret.jsonl";
  const std::string link = allowed.path + "/link.jsonl";
  REQUIRE(std::system(("ln -s '" + secret + "' '" + link + "'").c_str()) == 0);
  auto refusal = [&](const nlohmann::json &config, const std::string &file) {
    TestHost host;
    const auto result = run_target(host, config, {kOrdersSchema, batch_message("none", {file})});
    CHECK(result.run_status == CHORUS_ERR_FATAL);
    CHECK(host.last_error.find("BATCH for stream 'orders' at line 2") != std::string::npos);
    // Nothing of the file reaches the error or the sink.
    CHECK(host.last_error.find("424242") == std::string::npos);
    CHECK(journal().events.size() <= 1);
    return host.last_error;
  };
  const nlohmann::json roots = {{"batch_file_roots", {allowed.path}}};
  CHECK(refusal(roots, secret).find("outside the folders BATCH files may be read from") !=
        std::string::npos);
  CHECK(refusal(roots, escape).find("outside the folders") != std::string::npos);
  CHECK(refusal(roots, link).find("outside the folders") != std::string::npos);
  // Without the setting nothing is read, and the error names the setting.
  CHECK(refusal(nlohmann::json::object(), secret).find("`batch_file_roots`") != std::string::npos);
  // Meltano's batch_config names the folder the tap writes to: that folder is allowed.
  const std::string inside = allowed.write("ok.jsonl", "{\"id\":7}\n");
  TestHost host;
  const auto result =
      run_target(host, {{"batch_config", {{"storage", {{"root", "file://" + allowed.path}}}}}},
                 {kOrdersSchema, batch_message("none", {inside}), state(1)});
  REQUIRE_MESSAGE(result.run_status == CHORUS_OK, host.last_error);
  CHECK(state_numbers(result) == std::vector<int>{1});
  std::system(("rm -rf '" + outside.path + "'").c_str());
}

TEST_CASE("the target logs a record_count metric per stream") {
  TestHost host;
  const auto result =
      run_target(host, {}, {kOrdersSchema, record("orders", 1), record("orders", 2)});
  REQUIRE(result.run_status == CHORUS_OK);
  const auto metrics = host.metrics();
  REQUIRE(metrics.size() == 1);
  CHECK(metrics[0]["value"] == 2);
  CHECK(metrics[0]["tags"]["stream"] == "orders");
}

TEST_CASE("batch_size_bytes fills a batch sink by size") {
  TestHost host;
  const auto result =
      run_target(host, {{"batch_size_bytes", 1}},
                 {kOrdersSchema, record("orders", 1), state(1), record("orders", 2)});
  REQUIRE(result.run_status == CHORUS_OK);
  CHECK(journal().events ==
        std::vector<std::string>{"sink orders", "drain orders lines 2 after 0 states",
                                 "drain orders lines 4 after 1 states", "finish orders"});
}

TEST_CASE("a sink loading in the background gets full batches on the loader thread") {
  TestHost host;
  const auto result = run_target(
      host, {{"batch_size_rows", 2}},
      {schema_of("background"), record("background", 1), record("background", 2), state(1),
       record("background", 3), record("background", 4), state(2), record("background", 5)});
  REQUIRE(result.run_status == CHORUS_OK);
  // The STATE of line 4 goes out only once lines 2-3 are loaded, before the next load starts;
  // the last record is drained on the loop's own thread at the end of the input.
  CHECK(journal().events ==
        std::vector<std::string>{"sink background",
                                 "drain background lines 2,3 after 0 states on the loader thread",
                                 "drain background lines 5,6 after 1 states on the loader thread",
                                 "drain background lines 8 after 2 states", "finish background"});
  CHECK(state_numbers(result) == std::vector<int>{1, 2});
}

TEST_CASE("a failed background load names the stream and lines, and its STATE is never written") {
  TestHost host;
  const auto result =
      run_target(host, {{"batch_size_rows", 2}},
                 {schema_of("background-explode"), record("background-explode", 1),
                  record("background-explode", 2), state(1), record("background-explode", 3)});
  CHECK(result.run_status == CHORUS_ERR_FATAL);
  CHECK(host.last_error.find("draining stream 'background-explode' (records up to line 3)") !=
        std::string::npos);
  CHECK(host.last_error.find("warehouse said no") != std::string::npos);
  CHECK(state_numbers(result).empty());
}
