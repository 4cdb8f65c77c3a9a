#include "tap_rest_support.h"

#include <doctest/doctest.h>

namespace chorus_test {

using nlohmann::json;

const PluginHarness &rest_tap() {
  static PluginHarness harness("tap-rest");
  return harness;
}

json rest_config(json params, json pagination, std::string records_path) {
  json stream = {{"name", "items"},
                 {"path", "/items"},
                 {"records_path", records_path},
                 {"primary_keys", {"id"}},
                 {"replication_key", "updated_at"},
                 {"replication_param", "updated_since"},
                 {"params", std::move(params)}};
  if (!pagination.is_null()) stream["pagination"] = std::move(pagination);
  return {{"api_url", ApiServer::instance().base_url()},
          {"backoff_base_seconds", 0.01},
          {"streams", json::array({stream})}};
}

json api_key_in_query(const std::string &value) {
  return {{"type", "api_key"}, {"key", "api_key"}, {"value", value}, {"location", "query"}};
}

json oauth2_client_credentials() {
  return {{"type", "oauth2"},
          {"token_url", ApiServer::instance().base_url() + "/oauth/token"},
          {"client_id", "chorus"},
          {"client_secret", "s3cret"}};
}

PluginRun require_success(PluginRun run) {
  INFO(run.error);
  REQUIRE(run.status == CHORUS_OK);
  return run;
}

std::vector<long> record_ids(const PluginRun &run) {
  std::vector<long> out;
  for (const auto &record : run.records()) out.push_back(record["record"]["id"].get<long>());
  return out;
}

std::vector<long> id_range(long first, long last) {
  std::vector<long> out;
  for (long i = first; i <= last; ++i) out.push_back(i);
  return out;
}

std::string bookmark_of(const PluginRun &run, const std::string &stream) {
  json state = run.last_state();
  if (!state.is_object() || !state["bookmarks"].contains(stream)) return "";
  return state["bookmarks"][stream].value("replication_key_value", "");
}

bool logged(const PluginRun &run, const std::string &text) {
  for (const auto &line : run.log) {
    if (line.find(text) != std::string::npos) return true;
  }
  return false;
}

}  // namespace chorus_test
