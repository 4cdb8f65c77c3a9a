// What the tap-rest tests share: the loaded plugin and configs against the local test API.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api_server.h"
#include "plugin_harness.h"

namespace chorus_test {

// tap-rest, loaded once.
const PluginHarness &rest_tap();

// One "items" stream on /items with the given query parameters and pagination (null: the
// stream has none), incremental on updated_at via ?updated_since=, fast retries.
nlohmann::json rest_config(nlohmann::json params, nlohmann::json pagination,
                           std::string records_path = "$.data[*]");

// The `auth` setting of an API key sent as the query parameter api_key.
nlohmann::json api_key_in_query(const std::string &value);
// The `auth` setting of OAuth2 client credentials the test API's token endpoint accepts.
nlohmann::json oauth2_client_credentials();

// `run` of a sync the test requires to succeed: any other status ends the test case there, with
// the plugin's error as the message.
PluginRun require_success(PluginRun run);

// The ids of the records a run wrote, in order.
std::vector<long> record_ids(const PluginRun &run);
// first, first + 1, ..., last.
std::vector<long> id_range(long first, long last);
// The replication_key_value of stream `stream` in the run's last STATE; "" when none.
std::string bookmark_of(const PluginRun &run, const std::string &stream = "items");
// Whether any log line of the run contains `text`.
bool logged(const PluginRun &run, const std::string &text);

}  // namespace chorus_test
