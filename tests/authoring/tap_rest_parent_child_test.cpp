// tap-rest parent-child streams: /users, then /users/{user_id}/orders for each user, with the
// user's id in each order and one bookmark per user.
#include <doctest/doctest.h>

#include <set>
#include <utility>

#include "tap_rest_support.h"

// The tap-rest test kit (tap_rest_support.h) and the local test API.
using namespace chorus_test;
using nlohmann::json;

namespace {

json users_and_orders() {
  json users = {{"name", "users"},
                {"path", "/users"},
                {"records_path", "$.data[*]"},
                {"primary_keys", {"id"}}};
  json orders = {{"name", "orders"},
                 {"path", "/users/{user_id}/orders"},
                 {"records_path", "$.data[*]"},
                 {"primary_keys", {"user_id", "id"}},
                 {"replication_key", "updated_at"},
                 {"replication_param", "updated_since"},
                 {"parent_stream", "users"},
                 {"context", {{"user_id", "id"}}}};
  return {{"api_url", ApiServer::instance().base_url()}, {"streams", json::array({users, orders})}};
}

std::vector<std::pair<long, long>> orders_of(const PluginRun &run) {
  std::vector<std::pair<long, long>> out;
  for (const auto &record : run.records()) {
    if (record["stream"] != "orders") continue;
    out.emplace_back(record["record"]["user_id"].get<long>(), record["record"]["id"].get<long>());
  }
  return out;
}

json partition(const PluginRun &run, long user) {
  const json state = run.last_state();
  for (const auto &entry : state["bookmarks"]["orders"]["partitions"]) {
    if (entry["context"] == json{{"user_id", user}}) return entry;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("a child stream is read once per parent record, with the parent's id as context") {
  PluginRun run = require_success(rest_tap().run(users_and_orders()));
  CHECK(run.records().size() == 3 + 5);
  CHECK(orders_of(run) ==
        std::vector<std::pair<long, long>>({{1, 11}, {1, 12}, {3, 31}, {3, 32}, {3, 33}}));
  json schema;
  for (const auto &message : run.of_type("SCHEMA")) {
    if (message["stream"] == "orders") schema = message["schema"];
  }
  CHECK(schema["properties"]["user_id"]["type"] == json({"null", "integer"}));
  // One bookmark per user that had orders, in the Meltano SDK's partition shape.
  CHECK(run.last_state()["bookmarks"]["orders"]["partitions"].size() == 2);
  CHECK(partition(run, 1)["replication_key_value"] == "2024-02-03T00:00:00Z");
  CHECK(partition(run, 3)["replication_key_value"] == "2024-03-05T00:00:00Z");
  CHECK(partition(run, 1)["replication_key"] == "updated_at");
}

TEST_CASE("each partition resumes from its own bookmark") {
  json state = {{"bookmarks",
                 {{"orders",
                   {{"partitions",
                     {{{"context", {{"user_id", 1}}},
                       {"replication_key", "updated_at"},
                       {"replication_key_value", "2024-02-03T00:00:00Z"}},
                      {{"context", {{"user_id", 3}}},
                       {"replication_key", "updated_at"},
                       {"replication_key_value", "2024-03-02T00:00:00Z"}}}}}}}}};
  PluginRun run = require_success(rest_tap().run(users_and_orders(), state));
  CHECK(orders_of(run) == std::vector<std::pair<long, long>>({{1, 12}, {3, 32}, {3, 33}}));
  json seen = ApiServer::instance().stats()["seen_params"];
  std::set<std::string> sent;
  for (const auto &params : seen) {
    if (params.contains("path") && params.contains("updated_since")) {
      sent.insert(params["path"].get<std::string>() + " " +
                  params["updated_since"].get<std::string>());
    }
  }
  CHECK(sent.count("/users/1/orders 2024-02-03T00:00:00Z") == 1);
  CHECK(sent.count("/users/3/orders 2024-03-02T00:00:00Z") == 1);
  CHECK(partition(run, 3)["replication_key_value"] == "2024-03-05T00:00:00Z");
}

TEST_CASE("a child stream is read even when only it is selected, and bad wiring is refused") {
  PluginRun discovered = require_success(rest_tap().discover(users_and_orders()));
  json catalog = discovered.messages[0];
  CHECK(catalog["streams"][1]["schema"]["properties"]["user_id"]["type"] ==
        json({"null", "integer"}));
  for (auto &stream : catalog["streams"]) {
    if (stream["stream"] == "users") stream["metadata"][0]["metadata"]["selected"] = false;
  }
  PluginRun run = require_success(rest_tap().run(users_and_orders(), nullptr, catalog));
  CHECK(run.records().size() == 5);
  CHECK(orders_of(run).size() == 5);

  json config = users_and_orders();
  config["streams"][1]["parent_stream"] = "customers";
  run = rest_tap().run(config);
  CHECK(run.status == CHORUS_ERR_CONFIG);
  CHECK(run.error.find("parent_stream 'customers' is not one of the streams") != std::string::npos);

  config = users_and_orders();
  config["streams"][1]["context"] = {{"account", "id"}};
  run = rest_tap().run(config);
  CHECK(run.status == CHORUS_ERR_CONFIG);
  CHECK(run.error.find("{user_id}, which is not in its context") != std::string::npos);
}

TEST_CASE("a child stream's declared schema gets its context properties") {
  json config = users_and_orders();
  config["streams"][1]["schema"] = {
      {"type", "object"},
      {"properties", {{"id", {{"type", "integer"}}}, {"updated_at", {{"type", "string"}}}}}};
  PluginRun discovered = require_success(rest_tap().discover(config));
  json schema = discovered.messages[0]["streams"][1]["schema"];
  CHECK(schema["properties"]["user_id"]["type"] == json({"null", "integer"}));
  CHECK(schema["properties"]["id"]["type"] == "integer");

  PluginRun run = require_success(rest_tap().run(config));
  for (const auto &message : run.of_type("SCHEMA")) {
    if (message["stream"] == "orders") CHECK(message["schema"]["properties"].contains("user_id"));
  }
}
