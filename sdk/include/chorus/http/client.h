// An HTTP client for taps and targets that call web APIs: libcurl underneath, with timeouts,
// retries (exponential backoff with jitter on 429 and 5xx, honouring Retry-After), a request
// rate limit, and Singer `http_request_duration` timer metrics.
//
// One client serves one thread: it keeps a connection pool and is not safe to share between
// threads. It keeps no credentials; authenticators (auth.h) add them to each request and register
// them with secrets(), which masks them in every warning and error the client writes.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "chorus/http/request.h"
#include "chorus/http/retry.h"
#include "chorus/http/secrets.h"
#include "chorus/plugin/setting.h"

namespace chorus {
class PluginContext;
}

namespace chorus::http {

struct HttpClientOptions {
  double timeout_seconds = 300.0;         // whole request, transfer included
  double connect_timeout_seconds = 30.0;  // TCP + TLS handshake
  RetryPolicy retry;
  double requests_per_second = 0.0;  // 0: no limit
  std::string user_agent = "chorus";
  bool verify_tls = true;
  std::string ca_bundle;  // PEM file of CAs to trust instead of the system's; empty: system

  // Reads the usual settings of an HTTP plugin from a config document; absent keys keep the
  // defaults above: "timeout_seconds", "connect_timeout_seconds", "max_retries",
  // "backoff_base_seconds", "backoff_max_seconds", "requests_per_second", "user_agent",
  // "verify_tls", "ca_bundle". Throws ConfigError for a value of the wrong type.
  static HttpClientOptions from_config(const nlohmann::json &config);
  // Those settings, to add to a plugin's settings.
  static SettingList setting_list();
};

class HttpClient {
 public:
  // `context` receives the timer metrics and retry warnings; it may be null (no metrics, warnings
  // on stderr). It must outlive the client.
  explicit HttpClient(HttpClientOptions options = {}, const PluginContext *context = nullptr);
  ~HttpClient();
  HttpClient(const HttpClient &) = delete;
  HttpClient &operator=(const HttpClient &) = delete;

  // Sends `request`, retrying connection failures, timeouts and retryable statuses
  // (is_retryable_status) up to options().retry.max_retries times. Returns the last response,
  // whatever its status, once it is not retryable or the retries are spent with a response in
  // hand; throws chorus::RetryableError when the last attempt failed without a response
  // (connection refused, timeout). Every attempt is one `http_request_duration` metric with the
  // tags {"endpoint": endpoint, "http_status_code": status, "status": "succeeded"|"failed"}
  // merged with `tags`.
  HttpResponse send(const HttpRequest &request, const std::string &endpoint = {},
                    const nlohmann::json &tags = nlohmann::json::object());

  // send(), then raise_for_status().
  HttpResponse send_checked(const HttpRequest &request, const std::string &endpoint = {},
                            const nlohmann::json &tags = nlohmann::json::object());
  // Throws unless the status is 2xx: chorus::RetryableError for a retryable status (the retries
  // were spent), chorus::FatalError otherwise, with describe_failure() as the message.
  void raise_for_status(const HttpRequest &request, const HttpResponse &response) const;
  // The message an unsuccessful response gives a user: method, URL without query (it may hold an
  // API key), status and up to 300 bytes of the body, with every registered secret masked.
  std::string describe_failure(const HttpRequest &request, const HttpResponse &response) const;

  // Waits as before retry number `attempt` (0-based) of a request whose answer was unusable for a
  // reason send() cannot see (a body cut short), after a warning naming `reason`. Returns false,
  // without waiting, when the retries are spent.
  bool pause_before_retry(int attempt, const std::string &reason);

  // Where the client logs: the plugin's context, or stderr when it has none.
  const PluginContext &log() const;

  // The credentials sent so far, masked in everything the client writes.
  SecretMasker &secrets() { return secrets_; }
  const SecretMasker &secrets() const { return secrets_; }

  const HttpClientOptions &options() const { return options_; }
  // Replaces how the client waits between retries (tests count the waits instead of sleeping).
  void set_sleep_function(std::function<void(double seconds)> sleep);
  // How many retries the client has made so far, over all requests.
  long retries() const { return retries_; }

 private:
  struct Transport;
  HttpClientOptions options_;
  const PluginContext *context_;
  std::unique_ptr<Transport> transport_;
  std::function<void(double)> sleep_;
  long retries_ = 0;
  SecretMasker secrets_;
  void warn(const std::string &message) const;
};

}  // namespace chorus::http
