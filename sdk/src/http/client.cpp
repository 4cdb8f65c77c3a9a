#include "chorus/http/client.h"

#include <curl/curl.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <thread>

#include "chorus/http/rate_limiter.h"
#include "chorus/plugin/context.h"
#include "chorus/plugin/errors.h"

namespace chorus::http {
namespace {

void initialise_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t append_body(char *data, size_t size, size_t count, void *user) {
  static_cast<std::string *>(user)->append(data, size * count);
  return size * count;
}

// Collects the headers of the last response only: a redirect or a "100 Continue" starts over.
size_t append_header(char *data, size_t size, size_t count, void *user) {
  auto *headers = static_cast<HeaderList *>(user);
  std::string_view line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) {
    headers->clear();
    return size * count;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return size * count;
  std::string name(line.substr(0, colon));
  for (char &c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
    value.remove_suffix(1);
  }
  headers->emplace_back(std::move(name), std::string(value));
  return size * count;
}

std::string without_query(const std::string &url) { return url.substr(0, url.find('?')); }

std::string format_seconds(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", seconds);
  return text;
}

struct SlistDeleter {
  void operator()(curl_slist *list) const { curl_slist_free_all(list); }
};

}  // namespace

// One curl easy handle, reused so that connections (and TLS sessions) are kept alive.
struct HttpClient::Transport {
  CURL *handle = nullptr;
  RateLimiter limiter;
  std::mt19937_64 random{std::random_device{}()};

  explicit Transport(double requests_per_second) : limiter(requests_per_second) {
    initialise_curl_once();
    handle = curl_easy_init();
    if (!handle) throw FatalError("libcurl could not create a handle (out of memory?)");
  }
  ~Transport() { curl_easy_cleanup(handle); }

  // One attempt. Returns the curl code; fills `response` when it is CURLE_OK.
  CURLcode perform(const HttpClientOptions &options, const HttpRequest &request,
                   HttpResponse &response, std::string &error_text) {
    curl_easy_reset(handle);
    char error_buffer[CURL_ERROR_SIZE] = {0};
    response = HttpResponse{};
    response.url = with_query(request.url, request.query);
    curl_easy_setopt(handle, CURLOPT_URL, response.url.c_str());
    curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_buffer);
    curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout_seconds * 1000));
    curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(options.connect_timeout_seconds * 1000));
    curl_easy_setopt(handle, CURLOPT_USERAGENT, options.user_agent.c_str());
    curl_easy_setopt(handle, CURLOPT_ACCEPT_ENCODING, "");  // whatever libcurl can decode
    curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(handle, CURLOPT_MAXREDIRS, 10L);
    curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, options.verify_tls ? 1L : 0L);
    curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, options.verify_tls ? 2L : 0L);
    if (!options.ca_bundle.empty())
      curl_easy_setopt(handle, CURLOPT_CAINFO, options.ca_bundle.c_str());

    std::unique_ptr<curl_slist, SlistDeleter> headers;
    for (const auto &[name, value] : request.headers) {
      std::string line = name + ": " + value;
      curl_slist *appended = curl_slist_append(headers.get(), line.c_str());
      if (!appended) throw FatalError("out of memory while building request headers");
      static_cast<void>(headers.release());  // the list lives on, as `appended`'s head
      headers.reset(appended);
    }
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.get());

    if (request.method == "GET") {
      curl_easy_setopt(handle, CURLOPT_HTTPGET, 1L);
    } else if (request.method == "HEAD") {
      curl_easy_setopt(handle, CURLOPT_NOBODY, 1L);
    } else {
      curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, request.method.c_str());
      curl_easy_setopt(handle, CURLOPT_POSTFIELDS, request.body.c_str());
      curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
    }
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, &append_body);
    curl_easy_setopt(handle, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, &append_header);
    curl_easy_setopt(handle, CURLOPT_HEADERDATA, &response.headers);

    CURLcode code = curl_easy_perform(handle);
    if (code == CURLE_OK) {
      curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &response.status);
    } else {
      error_text = error_buffer[0] ? error_buffer : curl_easy_strerror(code);
    }
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, nullptr);
    return code;
  }
};

HttpClient::HttpClient(HttpClientOptions options, const PluginContext *context)
    : options_(std::move(options)),
      context_(context),
      transport_(std::make_unique<Transport>(options_.requests_per_second)),
      sleep_([](double seconds) {
        std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
      }) {}

HttpClient::~HttpClient() = default;

void HttpClient::set_sleep_function(std::function<void(double)> sleep) {
  sleep_ = std::move(sleep);
}

HttpResponse HttpClient::send(const HttpRequest &request, const std::string &endpoint,
                              const nlohmann::json &tags) {
  const std::string shown_url = without_query(request.url);
  for (int attempt = 0;; ++attempt) {
    transport_->limiter.acquire();
    HttpResponse response;
    std::string error_text;
    auto started = std::chrono::steady_clock::now();
    CURLcode code = transport_->perform(options_, request, response, error_text);
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    response.elapsed_seconds = seconds;
    error_text = secrets_.mask(error_text);

    bool failed = code != CURLE_OK || response.status >= 400;
    if (context_) {
      nlohmann::json metric_tags = tags.is_object() ? tags : nlohmann::json::object();
      metric_tags["endpoint"] = endpoint.empty() ? shown_url : endpoint;
      metric_tags["http_status_code"] = code == CURLE_OK ? response.status : 0L;
      metric_tags["status"] = failed ? "failed" : "succeeded";
      context_->timer("http_request_duration", seconds, metric_tags);
    }

    bool retryable = code != CURLE_OK || is_retryable_status(response.status);
    if (!retryable) return response;
    if (attempt >= options_.retry.max_retries) {
      if (code == CURLE_OK) return response;
      throw RetryableError(secrets_.mask(request.method + " " + shown_url + " failed after " +
                                         std::to_string(attempt + 1) +
                                         " attempt(s): " + error_text +
                                         "; check that the server is reachable, or raise "
                                         "max_retries / timeout_seconds"));
    }

    std::optional<double> retry_after;
    if (code == CURLE_OK) {
      if (const std::string *value = response.header("retry-after")) {
        retry_after = parse_retry_after(*value, std::time(nullptr));
      }
    }
    double delay = retry_delay_seconds(options_.retry, attempt, retry_after, transport_->random);
    std::string reason =
        code == CURLE_OK ? "status " + std::to_string(response.status) : error_text;
    std::string message = request.method + " " + shown_url + ": " + reason + "; retry " +
                          std::to_string(attempt + 1) + "/" +
                          std::to_string(options_.retry.max_retries) + " in " +
                          format_seconds(delay) + " s" + (retry_after ? " (Retry-After)" : "");
    warn(message);
    ++retries_;
    sleep_(delay);
  }
}

const PluginContext &HttpClient::log() const {
  static const PluginContext standard_error;
  return context_ ? *context_ : standard_error;
}

void HttpClient::warn(const std::string &message) const { log().warn(secrets_.mask(message)); }

bool HttpClient::pause_before_retry(int attempt, const std::string &reason) {
  if (attempt >= options_.retry.max_retries) return false;
  double delay = retry_delay_seconds(options_.retry, attempt, std::nullopt, transport_->random);
  warn(reason + "; retry " + std::to_string(attempt + 1) + "/" +
       std::to_string(options_.retry.max_retries) + " in " + format_seconds(delay) + " s");
  ++retries_;
  sleep_(delay);
  return true;
}

HttpResponse HttpClient::send_checked(const HttpRequest &request, const std::string &endpoint,
                                      const nlohmann::json &tags) {
  HttpResponse response = send(request, endpoint, tags);
  raise_for_status(request, response);
  return response;
}

void HttpClient::raise_for_status(const HttpRequest &request, const HttpResponse &response) const {
  if (response.ok()) return;
  if (is_retryable_status(response.status)) {
    throw RetryableError(describe_failure(request, response) + "; the retries are spent (" +
                         std::to_string(options_.retry.max_retries) +
                         "); try again later or raise max_retries");
  }
  throw FatalError(describe_failure(request, response));
}

std::string HttpClient::describe_failure(const HttpRequest &request,
                                         const HttpResponse &response) const {
  // Masked before it is cut, so that a secret across the cut cannot leave half of itself.
  constexpr std::size_t kShown = 300;
  std::string body = secrets_.mask(response.body.substr(0, kShown * 2)).substr(0, kShown);
  for (char &c : body) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  std::string hint;
  if (response.status == 401 || response.status == 403) {
    hint = "; check the credentials in the auth settings";
  } else if (response.status == 404) {
    hint = "; check the base URL and the stream's path";
  }
  return secrets_.mask(request.method + " " + without_query(request.url) + " returned " +
                       std::to_string(response.status) + (body.empty() ? "" : ": " + body) + hint);
}

}  // namespace chorus::http
