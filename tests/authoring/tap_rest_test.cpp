// tap-rest, loaded through the C ABI, against the local test API (rest_api_server.py).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tap_rest_support.h"

// The tap-rest test kit (tap_rest_support.h) and the local test API.
using namespace chorus_test;
using nlohmann::json;

using chorus_test::bookmark_of;

namespace {

const PluginHarness &tap() { return chorus_test::rest_tap(); }
json config_for(json params, json pagination, std::string records_path = "$.data[*]") {
  return chorus_test::rest_config(std::move(params), std::move(pagination), records_path);
}
std::vector<long> ids(const PluginRun &run) { return chorus_test::record_ids(run); }
std::vector<long> range(long first, long last) { return chorus_test::id_range(first, last); }

}  // namespace

TEST_CASE("bearer auth with the next page URL in the body reads every page") {
  json config = config_for({{"auth", "bearer"}, {"paging", "next_url"}},
                           {{"type", "next_url"}, {"path", "$.links.next"}});
  config["auth"] = {{"type", "bearer"}, {"token", "s3cret"}};
  PluginRun run = require_success(tap().run(config));
  CHECK(run.messages.front()["type"] == "SCHEMA");
  CHECK(run.messages.front()["key_properties"] == json({"id"}));
  CHECK(ids(run) == range(1, 25));
  CHECK(bookmark_of(run) == "2024-01-25T00:00:00Z");
  CHECK(run.records()[0]["record"]["meta"]["color"] == "red");
}

TEST_CASE("a wrong bearer token fails the run with the status and what to check") {
  json config = config_for({{"auth", "bearer"}}, nullptr);
  config["auth"] = {{"type", "bearer"}, {"token", "wrong"}};
  PluginRun run = tap().run(config);
  CHECK(run.status == CHORUS_ERR_FATAL);
  CHECK(run.error.find("401") != std::string::npos);
  CHECK(run.error.find("items") != std::string::npos);
  CHECK(run.error.find("credentials") != std::string::npos);
}

TEST_CASE("OAuth2 client credentials with page-number pagination") {
  long before = ApiServer::instance().stats()["tokens_issued"];
  json config =
      config_for({{"auth", "oauth"}, {"paging", "page"}},
                 {{"type", "page_number"}, {"page_size_param", "per_page"}, {"page_size", 10}});
  config["auth"] = oauth2_client_credentials();
  PluginRun run = require_success(tap().run(config));
  CHECK(ids(run) == range(1, 25));
  CHECK(ApiServer::instance().stats()["tokens_issued"].get<long>() - before == 1);
}

TEST_CASE("offset, cursor and Link header pagination each read all 25 items once") {
  SUBCASE("offset") {
    PluginRun run =
        tap().run(config_for({{"paging", "offset"}}, {{"type", "offset"}, {"limit", 7}}));
    INFO(run.error);
    CHECK(ids(run) == range(1, 25));
  }
  SUBCASE("cursor") {
    PluginRun run = tap().run(config_for({{"paging", "cursor"}, {"page_size", "4"}},
                                         {{"type", "cursor"}, {"path", "/meta/next_cursor"}}));
    INFO(run.error);
    CHECK(ids(run) == range(1, 25));
  }
  SUBCASE("Link header") {
    PluginRun run = tap().run(
        config_for({{"paging", "link"}, {"page_size", "6"}}, {{"type", "link_header"}}, "$[*]"));
    INFO(run.error);
    CHECK(ids(run) == range(1, 25));
  }
}

TEST_CASE("injected 429 (with Retry-After) and 500 responses are retried and lose nothing") {
  long before = ApiServer::instance().stats()["requests"];
  json config = config_for({{"paging", "next_url"}, {"faults", unique_key("tap") + ":429,500"}},
                           {{"type", "next_url"}, {"path", "/links/next"}});
  PluginRun run = require_success(tap().run(config));
  CHECK(ids(run) == range(1, 25));
  // Three pages and the two refused attempts: the schema is inferred from the first page as it
  // is synced, not from a fetch of its own.
  CHECK(ApiServer::instance().stats()["requests"].get<long>() - before == 5);
  bool warned = false;
  for (const auto &line : run.log) warned = warned || line.find("status 429") != std::string::npos;
  CHECK(warned);
}

TEST_CASE("with retries disabled an injected 500 fails the run as retryable") {
  json config = config_for({{"faults", unique_key("tap") + ":500"}}, nullptr);
  config["max_retries"] = 0;
  PluginRun run = tap().run(config);
  CHECK(run.status == CHORUS_ERR_RETRYABLE);
  CHECK(run.error.find("500") != std::string::npos);
}

TEST_CASE("requests_per_second keeps a rate-limited API from refusing requests") {
  // Each call a fresh key of the server's limit of 8 requests a second; no retry hides a 429.
  auto rate_limited = [] {
    json config =
        config_for({{"paging", "page"}, {"page_size", "5"}, {"rate", unique_key("r") + ":8"}},
                   {{"type", "page_number"}});
    config["max_retries"] = 0;
    return config;
  };
  json config = rate_limited();
  config["requests_per_second"] = 8;
  PluginRun run = require_success(tap().run(config));
  CHECK(ids(run) == range(1, 25));

  PluginRun unlimited = tap().run(rate_limited());
  CHECK(unlimited.status == CHORUS_ERR_RETRYABLE);
  CHECK(unlimited.error.find("429") != std::string::npos);
}

TEST_CASE("a run resumes from the state's bookmark, sent as the replication parameter") {
  json config =
      config_for({{"paging", "next_url"}}, {{"type", "next_url"}, {"path", "/links/next"}});
  PluginRun first = require_success(tap().run(config));
  json state = first.last_state();
  REQUIRE(bookmark_of(first) == "2024-01-25T00:00:00Z");

  state["bookmarks"]["items"]["replication_key_value"] = "2024-01-20T00:00:00Z";
  PluginRun resumed = require_success(tap().run(config, state));
  CHECK(ids(resumed) == range(20, 25));
  CHECK(bookmark_of(resumed) == "2024-01-25T00:00:00Z");
  json seen = ApiServer::instance().stats()["seen_params"];
  CHECK(seen.back().value("updated_since", "") == "2024-01-20T00:00:00Z");
}

TEST_CASE("start_date is the first bookmark when the state has none") {
  json config = config_for({}, nullptr);
  config["start_date"] = "2024-01-23T00:00:00Z";
  PluginRun run = require_success(tap().run(config));
  CHECK(ids(run) == range(23, 25));
}

TEST_CASE("discovery infers the schema from the first page when none is declared") {
  PluginRun run = require_success(tap().discover(config_for({}, nullptr)));
  json stream = run.messages[0]["streams"][0];
  CHECK(stream["stream"] == "items");
  CHECK(stream["schema"]["properties"]["id"]["type"] == json({"null", "integer"}));
  CHECK(stream["schema"]["properties"]["price"]["type"] == json({"null", "number"}));
  CHECK(stream["schema"]["properties"]["name"]["type"] == json({"null", "string"}));
  CHECK(stream["key_properties"] == json({"id"}));
}

TEST_CASE("decimals a double cannot hold reach the RECORD digit for digit") {
  json config = config_for({}, nullptr);
  config["streams"][0]["path"] = "/exact";
  config["streams"][0].erase("replication_key");
  config["streams"][0].erase("replication_param");
  PluginRun run = require_success(tap().run(config));
  std::string record_line;
  for (const auto &line : run.lines) {
    if (line.find(R"("type":"RECORD")") != std::string::npos) record_line = line;
  }
  CHECK(record_line.find(R"("amount":12345678901234567.89)") != std::string::npos);
  CHECK(record_line.find(R"("rate":0.1000000000000000055511151231257827)") != std::string::npos);
  CHECK(record_line.find(R"("meta":{"big":123456789012345678901234567890.5,"small":1.5})") !=
        std::string::npos);
}

TEST_CASE("a declared schema is used as is, and deselected properties are left out") {
  json config = config_for({}, nullptr);
  config["streams"][0]["schema"] = {
      {"type", "object"},
      {"properties",
       {{"id", {{"type", "integer"}}},
        {"name", {{"type", "string"}}},
        {"updated_at", {{"type", "string"}, {"format", "date-time"}}}}}};
  PluginRun discovered = require_success(tap().discover(config));
  json catalog = discovered.messages[0];
  CHECK(catalog["streams"][0]["schema"] == config["streams"][0]["schema"]);
  for (auto &entry : catalog["streams"][0]["metadata"]) {
    if (entry["breadcrumb"] == json({"properties", "name"})) entry["metadata"]["selected"] = false;
  }
  PluginRun run = require_success(tap().run(config, nullptr, catalog));
  REQUIRE(run.records().size() == 25);
  CHECK_FALSE(run.records()[0]["record"].contains("name"));
  CHECK(run.records()[0]["record"].contains("id"));
}

TEST_CASE("configuration mistakes are refused before any request, naming the setting") {
  json config = config_for({}, nullptr);
  config["streams"][0]["pagination"] = {{"type", "offset"}, {"limt", 10}};
  PluginRun run = tap().run(config);
  CHECK(run.status == CHORUS_ERR_CONFIG);
  CHECK(run.error.find("limt") != std::string::npos);

  config = config_for({}, nullptr);
  config["streams"][0]["replication_paramm"] = "x";
  run = tap().run(config);
  CHECK(run.status == CHORUS_ERR_CONFIG);
  CHECK(run.error.find("replication_paramm") != std::string::npos);

  config = config_for({}, nullptr);
  config["streams"].push_back(config["streams"][0]);
  run = tap().run(config);
  CHECK(run.status == CHORUS_ERR_CONFIG);
  CHECK(run.error.find("already called 'items'") != std::string::npos);
}
