// tap-rest facing bodies it must not misread: numbers beyond a double, a body cut short, a
// records_path that matches nothing; and streams that fail on their first page.
#include <doctest/doctest.h>

#include "tap_rest_support.h"

// The tap-rest test kit (tap_rest_support.h) and the local test API.
using namespace chorus_test;
using nlohmann::json;

namespace {

json one_stream(const std::string &path, json extra = json::object()) {
  json stream = {{"name", "things"}, {"path", path}, {"records_path", "$.data[*]"}};
  stream.update(extra);
  return {{"api_url", ApiServer::instance().base_url()},
          {"backoff_base_seconds", 0.01},
          {"streams", json::array({stream})}};
}

std::string record_line(const PluginRun &run) {
  for (const auto &line : run.lines) {
    if (line.find(R"("type":"RECORD")") != std::string::npos) return line;
  }
  return "";
}

}  // namespace

TEST_CASE("numbers beyond a double's range are kept exactly as their text") {
  PluginRun run = require_success(rest_tap().run(one_stream("/huge")));
  CHECK(record_line(run).find(R"("big":1e400)") != std::string::npos);
  CHECK(record_line(run).find(R"("small":-2.5E-400)") != std::string::npos);
}

TEST_CASE("a body cut short without Content-Length is read again") {
  PluginRun run = require_success(
      rest_tap().run(one_stream("/cut", {{"params", {{"key", unique_key("cut")}}}})));
  CHECK(record_ids(run) == chorus_test::id_range(1, 25));
  CHECK(chorus_test::logged(run, "ended after"));
}

TEST_CASE("a body always cut short fails as retryable, naming the cut and not the URL") {
  json config = one_stream("/cut", {{"params", {{"key", unique_key("cut")}, {"times", "100"}}}});
  config["max_retries"] = 1;
  PluginRun run = rest_tap().run(config);
  CHECK(run.status == CHORUS_ERR_RETRYABLE);
  CHECK(run.error.find("stream 'things', page 1") != std::string::npos);
  CHECK(run.error.find("before its JSON was complete") != std::string::npos);
  CHECK(run.error.find("no Content-Length") != std::string::npos);
  CHECK(run.error.find("check the URL") == std::string::npos);
}

TEST_CASE("a records_path that matches nothing is an error naming the keys the body has") {
  PluginRun run = rest_tap().run(rest_config(
      {{"paging", "next_url"}}, {{"type", "next_url"}, {"path", "/links/next"}}, "$.items[*]"));
  CHECK(run.status == CHORUS_ERR_CONFIG);
  CHECK(run.error.find("records_path '$.items[*]' matches nothing") != std::string::npos);
  CHECK(run.error.find("data, links") != std::string::npos);
  CHECK(run.error.find("allow_empty") != std::string::npos);
  CHECK(run.records().empty());
}

TEST_CASE("allow_empty reads a records_path the body lacks as no records") {
  json config = rest_config({}, nullptr, "$.items[*]");
  config["allow_empty"] = true;
  PluginRun run = require_success(rest_tap().run(config));
  CHECK(run.records().empty());
  CHECK(run.of_type("SCHEMA").size() == 1);
}

TEST_CASE("an empty records array is a successful empty stream") {
  json config = rest_config({{"updated_since", "2030-01-01T00:00:00Z"}}, nullptr);
  PluginRun run = require_success(rest_tap().run(config));
  CHECK(run.records().empty());
}

TEST_CASE("a stream failing on its first page does not keep the streams before it from syncing") {
  json config =
      rest_config({{"paging", "next_url"}}, {{"type", "next_url"}, {"path", "/links/next"}});
  json broken = config["streams"][0];
  broken["name"] = "broken";
  broken["path"] = "/nowhere";
  config["streams"].push_back(broken);
  PluginRun run = rest_tap().run(config);
  CHECK(run.status == CHORUS_ERR_FATAL);
  CHECK(run.error.find("stream 'broken', page 1") != std::string::npos);
  CHECK(run.error.find("404") != std::string::npos);
  CHECK(record_ids(run) == chorus_test::id_range(1, 25));
  CHECK(chorus_test::bookmark_of(run) == "2024-01-25T00:00:00Z");
  // The SCHEMA of "items" was inferred from its first page, as it was synced.
  json schema = run.of_type("SCHEMA").at(0);
  CHECK(schema["stream"] == "items");
  CHECK(schema["schema"]["properties"]["price"]["type"] == json({"null", "number"}));
}

TEST_CASE("discovery names every stream whose first page it could not read") {
  json config = rest_config({}, nullptr);
  json first = config["streams"][0];
  for (const char *name : {"lost", "missing"}) {
    json broken = first;
    broken["name"] = name;
    broken["path"] = std::string("/") + name;
    config["streams"].push_back(broken);
  }
  PluginRun run = rest_tap().discover(config);
  CHECK(run.status == CHORUS_ERR_FATAL);
  CHECK(run.error.find("stream 'lost', page 1") != std::string::npos);
  CHECK(run.error.find("stream 'missing', page 1") != std::string::npos);
  CHECK(run.error.find("stream 'items'") == std::string::npos);
  CHECK(run.error.find("declare their 'schema'") != std::string::npos);
}
