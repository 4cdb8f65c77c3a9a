// The SDK's HTTP client and REST helpers, against the local test API (rest_api_server.py).
#include <doctest/doctest.h>

#include <vector>

#include "../thrown_error.h"
#include "api_server.h"
#include "chorus/abi.h"
#include "chorus/http/auth.h"
#include "chorus/http/client.h"
#include "chorus/http/exact_json.h"
#include "chorus/http/paginator.h"
#include "chorus/http/rate_limiter.h"
#include "chorus/http/records.h"
#include "chorus/plugin/context.h"
#include "chorus/plugin/errors.h"
#include "plugin_harness.h"

using chorus_test::ApiServer;
using chorus_test::unique_key;
using namespace chorus::http;
using chorus::testing::thrown;
using chorus::testing::thrown_message;

namespace {

// A client whose waits are recorded instead of slept.
struct RecordingClient {
  std::vector<double> waits;
  HttpClient client;
  explicit RecordingClient(HttpClientOptions options = {},
                           const chorus::PluginContext *context = nullptr)
      : client(std::move(options), context) {
    client.set_sleep_function([this](double seconds) { waits.push_back(seconds); });
  }
};

HttpRequest items_request(std::vector<std::pair<std::string, std::string>> query) {
  HttpRequest request;
  request.url = ApiServer::instance().base_url() + "/items";
  request.query = std::move(query);
  return request;
}

}  // namespace

TEST_CASE("Retry-After is read as seconds or as an HTTP date, and garbage is ignored") {
  std::time_t now = 1700000000;  // 2023-11-14T22:13:20Z
  CHECK(parse_retry_after("120", now) == doctest::Approx(120));
  CHECK(parse_retry_after(" 0 ", now) == doctest::Approx(0));
  CHECK(parse_retry_after("Tue, 14 Nov 2023 22:13:50 GMT", now) == doctest::Approx(30));
  CHECK(parse_retry_after("Tue, 14 Nov 2023 22:00:00 GMT", now) == doctest::Approx(0));
  CHECK_FALSE(parse_retry_after("soon", now).has_value());
  CHECK_FALSE(parse_retry_after("", now).has_value());
}

TEST_CASE("backoff doubles per retry within its jitter band, is capped, and Retry-After wins") {
  RetryPolicy policy;
  policy.base_backoff_seconds = 1;
  policy.max_backoff_seconds = 10;
  std::mt19937_64 random(42);
  for (int retry = 0; retry < 6; ++retry) {
    double ceiling = std::min(10.0, std::ldexp(1.0, retry));
    for (int i = 0; i < 50; ++i) {
      double delay = retry_delay_seconds(policy, retry, std::nullopt, random);
      CHECK(delay >= ceiling / 2);
      CHECK(delay <= ceiling);
    }
  }
  CHECK(retry_delay_seconds(policy, 0, 7.0, random) == doctest::Approx(7.0));
  policy.max_retry_after_seconds = 5;
  CHECK(retry_delay_seconds(policy, 0, 7.0, random) == doctest::Approx(5.0));
}

TEST_CASE("429, 408 and 5xx other than 501 are retryable; other statuses are not") {
  CHECK(is_retryable_status(429));
  CHECK(is_retryable_status(408));
  CHECK(is_retryable_status(500));
  CHECK(is_retryable_status(503));
  CHECK_FALSE(is_retryable_status(501));
  CHECK_FALSE(is_retryable_status(404));
  CHECK_FALSE(is_retryable_status(401));
  CHECK_FALSE(is_retryable_status(200));
}

TEST_CASE("the rate limiter waits between requests and not before the first") {
  std::vector<RateLimiter::Clock::duration> waits;
  RateLimiter limiter(10, [&](RateLimiter::Clock::duration d) { waits.push_back(d); });
  limiter.acquire();
  CHECK(waits.empty());
  limiter.acquire();
  limiter.acquire();
  REQUIRE(waits.size() == 2);
  CHECK(waits[0] > std::chrono::milliseconds(50));
  CHECK(waits[0] <= std::chrono::milliseconds(100));

  std::vector<RateLimiter::Clock::duration> none;
  RateLimiter unlimited(0, [&](RateLimiter::Clock::duration d) { none.push_back(d); });
  for (int i = 0; i < 5; ++i) unlimited.acquire();
  CHECK(none.empty());
}

TEST_CASE("the client retries 500 and 429, honouring Retry-After, then returns the success") {
  HttpClientOptions options;
  options.retry.base_backoff_seconds = 0.25;
  RecordingClient recording(options);
  HttpResponse response =
      recording.client.send(items_request({{"faults", unique_key("retry") + ":500,429"}}));
  CHECK(response.status == 200);
  CHECK(recording.client.retries() == 2);
  REQUIRE(recording.waits.size() == 2);
  CHECK(recording.waits[0] >= 0.125);  // first backoff: within [base/2, base]
  CHECK(recording.waits[0] <= 0.25);
  CHECK(recording.waits[1] == doctest::Approx(1.0));  // the server's Retry-After: 1
  CHECK(response.json()["data"].size() == 25);
}

TEST_CASE("Retry-After as an HTTP date is honoured") {
  RecordingClient recording;
  HttpResponse response =
      recording.client.send(items_request({{"faults", unique_key("date") + ":429date"}}));
  CHECK(response.status == 200);
  REQUIRE(recording.waits.size() == 1);
  CHECK(recording.waits[0] >= 0.0);
  CHECK(recording.waits[0] <= 2.0);
}

TEST_CASE("spent retries give the last response from send() and an error from send_checked()") {
  HttpClientOptions options;
  options.retry.max_retries = 1;
  RecordingClient recording(options);
  std::string key = unique_key("spent");
  HttpResponse response =
      recording.client.send(items_request({{"faults", key + ":503,503,503,503"}}));
  CHECK(response.status == 503);
  CHECK(recording.waits.size() == 1);
  CHECK_THROWS_AS(
      recording.client.send_checked(items_request({{"faults", key + ":503,503,503,503"}})),
      chorus::RetryableError);
}

TEST_CASE("a client error is not retried and send_checked names the status and the URL") {
  RecordingClient recording;
  HttpRequest request = items_request({{"auth", "bearer"}});
  const std::string message = thrown_message<chorus::FatalError>(
      [&] { recording.client.send_checked(request); }, "expected an error");
  CHECK(message.find("401") != std::string::npos);
  CHECK(message.find("/items") != std::string::npos);
  CHECK(message.find("credentials") != std::string::npos);
  CHECK(recording.waits.empty());
}

TEST_CASE("a refused connection is retried, then reported as retryable") {
  HttpClientOptions options;
  options.retry.max_retries = 2;
  RecordingClient recording(options);
  HttpRequest request;
  request.url = "http://127.0.0.1:1/nothing";  // port 1: nothing listens there
  CHECK_THROWS_AS(recording.client.send(request), chorus::RetryableError);
  CHECK(recording.waits.size() == 2);
}

TEST_CASE("the client spaces requests to honour requests_per_second") {
  std::string rate = unique_key("rate") + ":5";
  HttpClientOptions limited;
  limited.requests_per_second = 5;
  limited.retry.max_retries = 0;
  HttpClient client(limited);
  for (int i = 0; i < 4; ++i) {
    CHECK(client.send(items_request({{"rate", rate}})).status == 200);
  }

  // The same requests without the limit are rejected by the server: the check above can fail.
  std::string unlimited_rate = unique_key("rate") + ":5";
  HttpClientOptions unlimited;
  unlimited.retry.max_retries = 0;
  HttpClient fast(unlimited);
  long rejected = 0;
  for (int i = 0; i < 4; ++i) {
    rejected += fast.send(items_request({{"rate", unlimited_rate}})).status == 429;
  }
  CHECK(rejected > 0);
}

TEST_CASE("every attempt is an http_request_duration timer metric with status tags") {
  chorus_test::HostCapture capture;
  chorus_host_v1 host = chorus_test::capturing_host(capture);
  chorus::PluginContext context(&host);
  RecordingClient recording({}, &context);
  recording.client.send(items_request({{"faults", unique_key("metric") + ":500"}}), "/items",
                        {{"stream", "items"}});
  std::vector<nlohmann::json> metrics;
  for (const auto &line : capture.log) {
    auto start = line.find("METRIC: ");
    if (start == std::string::npos) continue;
    metrics.push_back(nlohmann::json::parse(line.substr(start + 8)));
  }
  REQUIRE(metrics.size() == 2);
  CHECK(metrics[0]["type"] == "timer");
  CHECK(metrics[0]["metric"] == "http_request_duration");
  CHECK(metrics[0]["tags"]["http_status_code"] == 500);
  CHECK(metrics[0]["tags"]["status"] == "failed");
  CHECK(metrics[0]["tags"]["endpoint"] == "/items");
  CHECK(metrics[0]["tags"]["stream"] == "items");
  CHECK(metrics[1]["tags"]["http_status_code"] == 200);
  CHECK(metrics[1]["tags"]["status"] == "succeeded");
}

TEST_CASE("OAuth2 client credentials: one token is reused until it nears expiry") {
  HttpClient client;
  long before = ApiServer::instance().stats()["tokens_issued"];
  OAuth2ClientCredentials settings;
  settings.token_url = ApiServer::instance().base_url() + "/oauth/token";
  settings.client_id = "chorus";
  settings.client_secret = "s3cret";
  // Three requests the server accepts, each authenticated by `authenticator`.
  auto send_three = [&client](OAuth2ClientCredentialsAuthenticator &authenticator) {
    for (int i = 0; i < 3; ++i) {
      HttpRequest request = items_request({{"auth", "oauth"}});
      authenticator.authenticate(request);
      CHECK(client.send(request).status == 200);
    }
  };
  OAuth2ClientCredentialsAuthenticator lasting(settings, client);
  send_three(lasting);
  CHECK(lasting.tokens_fetched() == 1);

  // A token that expires within the refresh margin is replaced before each request.
  settings.token_url += "?expires_in=30";
  settings.credentials_in_header = true;
  OAuth2ClientCredentialsAuthenticator short_lived(settings, client);
  send_three(short_lived);
  CHECK(short_lived.tokens_fetched() == 3);
  CHECK(ApiServer::instance().stats()["tokens_issued"].get<long>() - before == 4);
}

TEST_CASE("OAuth2 with a wrong secret is a configuration error naming the settings") {
  HttpClient client;
  OAuth2ClientCredentials settings;
  settings.token_url = ApiServer::instance().base_url() + "/oauth/token";
  settings.client_id = "chorus";
  settings.client_secret = "wrong";
  OAuth2ClientCredentialsAuthenticator authenticator(settings, client);
  HttpRequest request = items_request({});
  CHECK_THROWS_WITH_AS(authenticator.authenticate(request), doctest::Contains("auth.client_secret"),
                       chorus::ConfigError);
}

TEST_CASE("API key, bearer and basic authenticators are accepted by the server") {
  HttpClient client;
  nlohmann::json configs[] = {
      {{"type", "api_key"}, {"key", "X-API-Key"}, {"value", "k3y"}},
      {{"type", "api_key"}, {"key", "api_key"}, {"value", "k3y"}, {"location", "query"}},
  };
  for (const auto &config : configs) {
    auto authenticator = make_authenticator(config, client);
    HttpRequest request = items_request({{"auth", "key"}});
    authenticator->authenticate(request);
    CHECK(client.send(request).status == 200);
  }
  auto bearer = make_authenticator({{"type", "bearer"}, {"token", "s3cret"}}, client);
  HttpRequest bearer_request = items_request({{"auth", "bearer"}});
  bearer->authenticate(bearer_request);
  CHECK(client.send(bearer_request).status == 200);

  auto basic = make_authenticator(
      {{"type", "basic"}, {"username", "chorus"}, {"password", "s3cret"}}, client);
  HttpRequest basic_request = items_request({{"auth", "basic"}});
  basic->authenticate(basic_request);
  CHECK(client.send(basic_request).status == 200);
  // Without credentials the same request is refused: the checks above can fail.
  CHECK(client.send(items_request({{"auth", "basic"}})).status == 401);
}

TEST_CASE("auth and pagination configs reject unknown keys and types by name") {
  HttpClient client;
  CHECK_THROWS_WITH_AS(make_authenticator({{"type", "bearer"}, {"tokn", "x"}}, client),
                       doctest::Contains("auth.tokn"), chorus::ConfigError);
  CHECK_THROWS_WITH_AS(make_authenticator({{"type", "kerberos"}}, client),
                       doctest::Contains("kerberos"), chorus::ConfigError);
  CHECK(make_authenticator(nullptr, client) == nullptr);
  CHECK_THROWS_WITH_AS(make_paginator({{"type", "offset"}, {"limt", 5}}),
                       doctest::Contains("pagination.limt"), chorus::ConfigError);
  CHECK_THROWS_WITH_AS(make_paginator({{"type", "next_url"}}), doctest::Contains("pagination.path"),
                       chorus::ConfigError);
}

TEST_CASE("URLs: query strings are encoded and relative links resolve against the page") {
  CHECK(with_query("http://h/a", {{"q", "a b&c"}, {"n", "1"}}) == "http://h/a?q=a%20b%26c&n=1");
  CHECK(with_query("http://h/a?x=1", {{"y", "2"}}) == "http://h/a?x=1&y=2");
  CHECK(resolve_url("http://h/v1/items?page=1", "?page=2") == "http://h/v1/items?page=2");
  CHECK(resolve_url("http://h/v1/items?page=1", "/v2/things") == "http://h/v2/things");
  CHECK(resolve_url("http://h/v1/items", "https://other/x") == "https://other/x");
}

TEST_CASE("records are found by JSONPath or JSON pointer, and a schema is inferred from them") {
  nlohmann::json body = {
      {"data", {{"items", {{{"id", 1}, {"price", 2}}, {{"id", 2}, {"price", 2.5}}}}}}};
  CHECK(extract_records(body, "$.data.items[*]").size() == 2);
  CHECK(extract_records(body, "$['data']['items']").size() == 2);
  CHECK(extract_records(body, "/data/items").size() == 2);
  CHECK(extract_records(body, "/data/items/0").size() == 1);
  CHECK(extract_records(body, "$.missing").empty());
  CHECK_THROWS_AS(extract_records(body, "data.items"), chorus::ConfigError);
  CHECK_THROWS_AS(extract_records({{"data", 5}}, "$.data"), chorus::FatalError);

  nlohmann::json schema = infer_schema(extract_records(body, "/data/items"));
  CHECK(schema["properties"]["id"]["type"] == nlohmann::json({"null", "integer"}));
  CHECK(schema["properties"]["price"]["type"] == nlohmann::json({"null", "number"}));
}

TEST_CASE("the Link header paginator follows rel=next and stops without one") {
  LinkHeaderPaginator paginator;
  HttpResponse response;
  response.url = "http://h/items?page=1";
  response.headers = {
      {"link", "<http://h/items?page=1>; rel=\"first\", <http://h/items?page=2>; rel=\"next\""}};
  HttpRequest request;
  request.url = "http://h/items";
  request.query = {{"page", "1"}};
  REQUIRE(paginator.next_page(response, nullptr, 10, request));
  CHECK(request.url == "http://h/items?page=2");
  CHECK(request.query.empty());
  response.headers = {{"link", "<http://h/items?page=1>; rel=\"first\""}};
  CHECK_FALSE(paginator.next_page(response, nullptr, 10, request));
}

TEST_CASE("exact parsing keeps what a double cannot hold and rejects what is not JSON") {
  nlohmann::json doc =
      parse_exact(R"({"big":1e400,"tiny":1e-400,"zero":0.0,"int":-9223372036854775808,)"
                  R"("huge":18446744073709551616,"plain":1.5,"dup":1,"dup":2,"s":"a\"b"})");
  CHECK(exact_number_text(doc["big"]) == "1e400");
  CHECK(exact_number_text(doc["tiny"]) == "1e-400");
  CHECK(doc["zero"].is_number_float());
  CHECK(doc["int"].get<std::int64_t>() == INT64_MIN);
  CHECK(exact_number_text(doc["huge"]) == "18446744073709551616");
  CHECK(doc["plain"].get<double>() == 1.5);
  CHECK(doc["dup"] == 2);
  CHECK(doc["s"] == "a\"b");
  CHECK(exact_dump(parse_exact("[1e400, 2]")) == "[1e400,2]");
  CHECK(parse_exact(" 7 ") == 7);
  CHECK(parse_exact("\"x\"") == "x");
  CHECK_THROWS_AS(parse_exact("{\"a\": 01}"), nlohmann::json::parse_error);
  CHECK_THROWS_AS(parse_exact("{} x"), nlohmann::json::parse_error);
  // Text that ends too soon is told apart: the error's byte is past its end.
  std::string cut = R"({"data":[{"id":1},{"id")";
  const auto error = thrown<nlohmann::json::parse_error>([&] { (void)parse_exact(cut); },
                                                         "expected a parse error");
  CHECK(error.byte >= cut.size());
}
