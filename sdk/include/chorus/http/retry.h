// When and how long the HTTP client waits before retrying a request.
#pragma once

#include <ctime>
#include <optional>
#include <random>
#include <string_view>

namespace chorus::http {

struct RetryPolicy {
  // Retries after the first attempt; 0 disables retrying.
  int max_retries = 5;
  // The n-th retry (n = 0, 1, ...) waits a random time in [base * 2^n / 2, base * 2^n], capped
  // at max_backoff_seconds ("equal jitter": never zero, never synchronised with other clients).
  double base_backoff_seconds = 1.0;
  double max_backoff_seconds = 60.0;
  // A server's Retry-After is honoured as given, up to this many seconds.
  double max_retry_after_seconds = 600.0;
};

// Whether a response status is worth retrying: 429 (Too Many Requests), 408, and 5xx except
// 501 (Not Implemented), which no retry will change.
bool is_retryable_status(long status);

// Parses a Retry-After header: delta seconds ("120") or an HTTP date ("Wed, 21 Oct 2015
// 07:28:00 GMT", relative to `now`). Returns nullopt for anything else; a date in the past
// gives 0.
std::optional<double> parse_retry_after(std::string_view value, std::time_t now);

// Seconds to wait before retry number `retry` (0-based). A Retry-After value, when the server
// sent one, takes precedence over the computed backoff.
double retry_delay_seconds(const RetryPolicy &policy, int retry, std::optional<double> retry_after,
                           std::mt19937_64 &random);

}  // namespace chorus::http
