#include "chorus/http/client.h"
#include "chorus/plugin/errors.h"

namespace chorus::http {
namespace {

template <class T>
void read_setting(const nlohmann::json &config, const char *key, T &target) {
  auto found = config.find(key);
  if (found == config.end() || found->is_null()) return;
  try {
    target = found->get<T>();
  } catch (const nlohmann::json::exception &) {
    throw ConfigError(std::string("setting '") + key + "' has the wrong type (" +
                      found->type_name() + "); see the plugin's --about for its type");
  }
}

}  // namespace

HttpClientOptions HttpClientOptions::from_config(const nlohmann::json &config) {
  HttpClientOptions options;
  if (!config.is_object()) return options;
  read_setting(config, "timeout_seconds", options.timeout_seconds);
  read_setting(config, "connect_timeout_seconds", options.connect_timeout_seconds);
  read_setting(config, "max_retries", options.retry.max_retries);
  read_setting(config, "backoff_base_seconds", options.retry.base_backoff_seconds);
  read_setting(config, "backoff_max_seconds", options.retry.max_backoff_seconds);
  read_setting(config, "requests_per_second", options.requests_per_second);
  read_setting(config, "user_agent", options.user_agent);
  read_setting(config, "verify_tls", options.verify_tls);
  read_setting(config, "ca_bundle", options.ca_bundle);
  if (options.retry.max_retries < 0) throw ConfigError("setting 'max_retries' must be >= 0");
  if (options.timeout_seconds <= 0) throw ConfigError("setting 'timeout_seconds' must be > 0");
  return options;
}

nlohmann::json HttpClientOptions::settings_schema() {
  using nlohmann::json;
  return json{
      {"timeout_seconds",
       {{"type", "number"},
        {"default", 300},
        {"description", "Timeout of one request, in seconds."}}},
      {"connect_timeout_seconds",
       {{"type", "number"}, {"default", 30}, {"description", "Connection timeout, in seconds."}}},
      {"max_retries",
       {{"type", "integer"},
        {"default", 5},
        {"description",
         "Retries of a request that failed with a network error, 408, 429 or 5xx."}}},
      {"backoff_base_seconds",
       {{"type", "number"},
        {"default", 1},
        {"description", "First retry delay; doubles with each retry (with jitter)."}}},
      {"backoff_max_seconds",
       {{"type", "number"}, {"default", 60}, {"description", "Longest retry delay, in seconds."}}},
      {"requests_per_second",
       {{"type", "number"},
        {"default", 0},
        {"description", "Most requests started per second; 0 for no limit."}}},
      {"user_agent",
       {{"type", "string"}, {"default", "chorus"}, {"description", "User-Agent header."}}},
      {"verify_tls",
       {{"type", "boolean"},
        {"default", true},
        {"description", "Verify the server's TLS certificate."}}},
      {"ca_bundle",
       {{"type", "string"}, {"description", "PEM file of certificate authorities to trust."}}},
  };
}

}  // namespace chorus::http
