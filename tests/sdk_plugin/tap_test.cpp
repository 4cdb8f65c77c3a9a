// Tap::sync through the ABI: selection, SCHEMA before records, STATE after each stream, resume,
// full refresh, and the stop flag.
#include <doctest/doctest.h>

#include <algorithm>

#include "fixture_plugins.h"
#include "numbers_stream.h"

// The fixture plugins and the test host (fixture_plugins.h).
using namespace chorus::test;

namespace {

const nlohmann::json kConfig = {{"api_key", "k"}};

std::vector<std::int64_t> order_ids(const std::vector<nlohmann::json> &messages) {
  std::vector<std::int64_t> ids;
  for (const auto &record : messages_of(messages, "RECORD")) {
    if (record["stream"] == "orders") ids.push_back(record["record"]["id"].get<std::int64_t>());
  }
  return ids;
}

// The discovered catalog with `edit` applied to the metadata of `stream` at `breadcrumb`.
std::string catalog_with(const std::string &stream, const nlohmann::json &breadcrumb,
                         const nlohmann::json &values) {
  chorus::test::FixtureTap tap(chorus::PluginContext(), kConfig);
  auto catalog = tap.catalog();
  for (auto &entry : catalog["streams"]) {
    if (entry["stream"] != stream) continue;
    for (auto &item : entry["metadata"]) {
      if (item["breadcrumb"] == breadcrumb) item["metadata"].update(values);
    }
  }
  return catalog.dump();
}

// "numbers": 10,000 records with a STATE every 2,500; raises the host's stop flag after record
// 3,700, as a SIGTERM in the middle of a batch would. Its in-memory bookmark runs ahead of the
// last STATE, as a stream's cursor does between two states.
TestHost *stopping_host = nullptr;

class StoppingNumbers : public NumbersStream {
 public:
  void sync(chorus::StreamSync &sync) override {
    for (std::int64_t n = 1; n <= 10000; ++n) {
      write_number(sync, n);
      if (n == 3700) stopping_host->stop = true;
      sync.set_bookmark({{"n", n}});
      sync.count_record();
      if (n % 2500 == 0) sync.emit_state();
    }
  }
};

class NumbersTap : public chorus::Tap {
 public:
  static chorus::PluginInfo info() {
    return {"tap-numbers", "0.1.0", "Counts.", {"state"}, {{"type", "object"}}};
  }
  using Tap::Tap;
  std::vector<std::unique_ptr<chorus::Stream>> discover_streams() override {
    std::vector<std::unique_ptr<chorus::Stream>> streams;
    streams.push_back(std::make_unique<StoppingNumbers>());
    return streams;
  }
};

}  // namespace

TEST_CASE("without a catalog, the streams selected by default are synced: SCHEMA, RECORDs, STATE") {
  TestHost host;
  const auto result = run_plugin<FixtureTap>(host, kConfig, {});
  REQUIRE(result.run_status == CHORUS_OK);
  const auto &messages = result.messages;
  REQUIRE(messages.size() == 5);
  CHECK(messages[0]["type"] == "SCHEMA");
  CHECK(messages[0]["stream"] == "orders");
  CHECK(messages[0]["key_properties"] == nlohmann::json({"id"}));
  CHECK(messages[0]["bookmark_properties"] == nlohmann::json({"updated_at"}));
  CHECK(order_ids(messages) == std::vector<std::int64_t>{1, 2, 3});
  CHECK(messages[4]["type"] == "STATE");
  CHECK(messages[4]["value"]["bookmarks"]["orders"]["updated_at"] == 3);
  CHECK(messages_of(messages, "RECORD").size() == 3);  // "events" is not selected by default

  const auto metrics = host.metrics();
  REQUIRE(metrics.size() == 1);
  CHECK(metrics[0]["metric"] == "record_count");
  CHECK(metrics[0]["value"] == 3);
  CHECK(metrics[0]["tags"]["stream"] == "orders");
}

TEST_CASE("the catalog's selection decides which streams sync, in catalog order") {
  auto selecting = [](bool orders, bool events) {
    auto catalog = nlohmann::json::parse(
        catalog_with("orders", nlohmann::json::array(), {{"selected", orders}}));
    for (auto &item : catalog["streams"][1]["metadata"]) {
      if (item["breadcrumb"].empty()) item["metadata"]["selected"] = events;
    }
    return catalog.dump();
  };
  auto synced_streams = [](const std::string &catalog) {
    TestHost host;
    RunOptions options;
    options.catalog_json = catalog.c_str();
    const auto result = run_plugin<FixtureTap>(host, kConfig, options);
    REQUIRE(result.run_status == CHORUS_OK);
    std::vector<std::string> streams;
    for (const auto &schema : messages_of(result.messages, "SCHEMA"))
      streams.push_back(schema["stream"]);
    return streams;
  };
  CHECK(synced_streams(selecting(false, true)) == std::vector<std::string>{"events"});
  CHECK(synced_streams(selecting(true, true)) == std::vector<std::string>{"orders", "events"});
}

TEST_CASE("a catalog that selects no stream is a configuration error naming the streams") {
  auto catalog =
      nlohmann::json::parse(catalog_with("orders", nlohmann::json::array(), {{"selected", false}}));
  for (auto &item : catalog["streams"][1]["metadata"]) {
    if (item["breadcrumb"].empty()) item["metadata"]["selected"] = false;
  }
  const std::string text = catalog.dump();
  TestHost host;
  RunOptions options;
  options.catalog_json = text.c_str();
  const auto result = run_plugin<FixtureTap>(host, kConfig, options);
  CHECK(result.run_status == CHORUS_ERR_CONFIG);
  CHECK(host.last_error.find("no stream is selected") != std::string::npos);
  CHECK(host.last_error.find("orders, events") != std::string::npos);
  CHECK(host.last_error.find("--select") != std::string::npos);
  CHECK(result.output.empty());
}

TEST_CASE("a deselected property is left out of the SCHEMA and of the records") {
  TestHost host;
  const std::string catalog = catalog_with("orders", {"properties", "note"}, {{"selected", false}});
  RunOptions options;
  options.catalog_json = catalog.c_str();
  const auto result = run_plugin<FixtureTap>(host, kConfig, options);
  REQUIRE(result.run_status == CHORUS_OK);
  const auto schema = messages_of(result.messages, "SCHEMA").at(0)["schema"];
  CHECK_FALSE(schema["properties"].contains("note"));
  CHECK(schema["properties"].contains("id"));
  CHECK(schema["required"] == nlohmann::json({"id"}));
  CHECK_FALSE(messages_of(result.messages, "RECORD").at(0)["record"].contains("note"));
}

TEST_CASE("a sync resumes from the bookmark and keeps the bookmarks of streams it did not sync") {
  TestHost host;
  RunOptions options;
  options.state_json = R"({"bookmarks": {"orders": {"updated_at": 5}, "gone": {"at": 1}}})";
  const auto result = run_plugin<FixtureTap>(host, kConfig, options);
  REQUIRE(result.run_status == CHORUS_OK);
  CHECK(order_ids(result.messages) == std::vector<std::int64_t>{6, 7, 8});
  const auto states = messages_of(result.messages, "STATE");
  REQUIRE(states.size() == 1);
  CHECK(states[0]["value"]["bookmarks"]["orders"]["updated_at"] == 8);
  CHECK(states[0]["value"]["bookmarks"]["gone"]["at"] == 1);
}

TEST_CASE("a state given as a whole STATE message resumes like its value, without a warning") {
  TestHost host;
  RunOptions options;
  options.state_json =
      R"({"type": "STATE", "value": {"bookmarks": {"orders": {"updated_at": 5}}}})";
  const auto result = run_plugin<FixtureTap>(host, kConfig, options);
  REQUIRE(result.run_status == CHORUS_OK);
  CHECK(order_ids(result.messages) == std::vector<std::int64_t>{6, 7, 8});
  const auto state = messages_of(result.messages, "STATE").at(0)["value"];
  CHECK(state == nlohmann::json::parse(R"({"bookmarks": {"orders": {"updated_at": 8}}})"));
  for (const auto &line : host.logs) CHECK(line.find("nested") == std::string::npos);
}

TEST_CASE("STATE messages nested by a runner are unwrapped with a warning, newest bookmark first") {
  // What Meltano stores after two runs of a target that prints whole STATE messages and a tap
  // that keeps what it cannot read: each run wraps the last document again, and writes its own
  // (newer) bookmarks beside the wrapper.
  TestHost host;
  RunOptions options;
  options.state_json = R"({"type": "STATE", "value": {
      "type": "STATE", "value": {"bookmarks": {"orders": {"updated_at": 2}, "gone": {"at": 1}}},
      "bookmarks": {"orders": {"updated_at": 5}}}})";
  const auto result = run_plugin<FixtureTap>(host, kConfig, options);
  REQUIRE(result.run_status == CHORUS_OK);
  CHECK(order_ids(result.messages) == std::vector<std::int64_t>{6, 7, 8});
  const auto state = messages_of(result.messages, "STATE").at(0)["value"];
  CHECK(state == nlohmann::json::parse(
                     R"({"bookmarks": {"orders": {"updated_at": 8}, "gone": {"at": 1}}})"));
  bool warned = false;
  for (const auto &line : host.logs) {
    warned = warned || line.find("nested 2 levels deep") != std::string::npos;
  }
  CHECK(warned);
}

TEST_CASE("a full refresh ignores the bookmark") {
  TestHost host;
  RunOptions options;
  options.state_json = R"({"bookmarks": {"orders": {"updated_at": 5}, "gone": {"at": 1}}})";
  options.full_refresh = true;
  const auto result = run_plugin<FixtureTap>(host, kConfig, options);
  REQUIRE(result.run_status == CHORUS_OK);
  CHECK(order_ids(result.messages) == std::vector<std::int64_t>{1, 2, 3});
  const auto state = messages_of(result.messages, "STATE").at(0)["value"];
  CHECK(state["bookmarks"]["orders"]["updated_at"] == 3);
  CHECK(state["bookmarks"]["gone"]["at"] == 1);
}

TEST_CASE("a requested stop starts no further stream") {
  TestHost host;
  host.stop = true;
  const auto result = run_plugin<FixtureTap>(host, kConfig, {});
  REQUIRE(result.run_status == CHORUS_OK);
  CHECK(result.messages.empty());
}

TEST_CASE("a stop requested mid-stream ends it within 1,000 records, with its last emitted STATE") {
  TestHost host;
  stopping_host = &host;
  const auto result = run_plugin<NumbersTap>(host, nlohmann::json::object(), {});
  REQUIRE(result.run_status == CHORUS_OK);
  CHECK(messages_of(result.messages, "RECORD").size() == 4000);
  const auto states = messages_of(result.messages, "STATE");
  REQUIRE(!states.empty());
  // The bookmark of the STATE after record 2,500, not the in-memory 4,000.
  CHECK(states.back()["value"]["bookmarks"]["numbers"]["n"] == 2500);
  CHECK(std::any_of(host.logs.begin(), host.logs.end(), [](const std::string &line) {
    return line.find("stream 'numbers' stopped after 4000 records") != std::string::npos;
  }));
}

TEST_CASE("a catalog selecting a stream the tap lacks is a config error naming it") {
  TestHost host;
  RunOptions options;
  options.catalog_json =
      R"({"streams": [{"tap_stream_id": "invoices", "schema": {"type": "object"},
          "metadata": [{"breadcrumb": [], "metadata": {"selected": true}}]}]})";
  const auto result = run_plugin<FixtureTap>(host, kConfig, options);
  CHECK(result.run_status == CHORUS_ERR_CONFIG);
  CHECK(host.last_error.find("'invoices'") != std::string::npos);
  CHECK(host.last_error.find("orders, events") != std::string::npos);
}

TEST_CASE("state or catalog that is not JSON is a config error") {
  TestHost host;
  RunOptions options;
  options.state_json = "{bookmarks";
  CHECK(run_plugin<FixtureTap>(host, kConfig, options).run_status == CHORUS_ERR_CONFIG);
  CHECK(host.last_error.find("state is not valid JSON") != std::string::npos);
}
