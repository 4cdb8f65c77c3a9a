#include "chorus/http/client.h"
#include "chorus/plugin/errors.h"
#include "chorus/plugin/setting.h"

namespace chorus::http {
namespace {

// The defaults are those of HttpClientOptions, so that a client built in code and one built
// from a config agree.
const HttpClientOptions kDefaults;

const Setting<double> kTimeout =
    Setting<double>("timeout_seconds", "Timeout of one request, in seconds.")
        .defaults_to(kDefaults.timeout_seconds);
const Setting<double> kConnectTimeout =
    Setting<double>("connect_timeout_seconds", "Connection timeout, in seconds.")
        .defaults_to(kDefaults.connect_timeout_seconds);
const Setting<int> kMaxRetries =
    Setting<int>("max_retries",
                 "Retries of a request that failed with a network error, 408, 429 or 5xx.")
        .defaults_to(kDefaults.retry.max_retries);
const Setting<double> kBackoffBase =
    Setting<double>("backoff_base_seconds",
                    "First retry delay; doubles with each retry (with jitter).")
        .defaults_to(kDefaults.retry.base_backoff_seconds);
const Setting<double> kBackoffMax =
    Setting<double>("backoff_max_seconds", "Longest retry delay, in seconds.")
        .defaults_to(kDefaults.retry.max_backoff_seconds);
const Setting<double> kRequestsPerSecond =
    Setting<double>("requests_per_second", "Most requests started per second; 0 for no limit.")
        .defaults_to(kDefaults.requests_per_second);
const Setting<std::string> kUserAgent =
    Setting<std::string>("user_agent", "User-Agent header.").defaults_to(kDefaults.user_agent);
const Setting<bool> kVerifyTls = Setting<bool>("verify_tls", "Verify the server's TLS certificate.")
                                     .defaults_to(kDefaults.verify_tls);
const Setting<std::string> kCaBundle =
    Setting<std::string>("ca_bundle", "PEM file of certificate authorities to trust.");

}  // namespace

HttpClientOptions HttpClientOptions::from_config(const nlohmann::json &config) {
  HttpClientOptions options;
  options.timeout_seconds = kTimeout.read(config);
  options.connect_timeout_seconds = kConnectTimeout.read(config);
  options.retry.max_retries = kMaxRetries.read(config);
  options.retry.base_backoff_seconds = kBackoffBase.read(config);
  options.retry.max_backoff_seconds = kBackoffMax.read(config);
  options.requests_per_second = kRequestsPerSecond.read(config);
  options.user_agent = kUserAgent.read(config);
  options.verify_tls = kVerifyTls.read(config);
  options.ca_bundle = kCaBundle.read(config);
  if (options.retry.max_retries < 0) throw ConfigError("setting 'max_retries' must be >= 0");
  if (options.timeout_seconds <= 0) throw ConfigError("setting 'timeout_seconds' must be > 0");
  return options;
}

SettingList HttpClientOptions::setting_list() {
  return {&kTimeout,           &kConnectTimeout, &kMaxRetries, &kBackoffBase, &kBackoffMax,
          &kRequestsPerSecond, &kUserAgent,      &kVerifyTls,  &kCaBundle};
}

}  // namespace chorus::http
