#include "chorus/http/retry.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>

namespace chorus::http {

bool is_retryable_status(long status) {
  return status == 429 || status == 408 || (status >= 500 && status <= 599 && status != 501);
}

std::optional<double> parse_retry_after(std::string_view value, std::time_t now) {
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) {
    value.remove_prefix(1);
  }
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) {
    value.remove_suffix(1);
  }
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(),
                  [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    if (value.size() > 9) return std::nullopt;  // beyond any sane wait; treat as garbage
    return std::stod(std::string(value));
  }
  // HTTP-date (RFC 9110 5.6.7); curl_getdate parses the three historical formats.
  std::time_t when = curl_getdate(std::string(value).c_str(), nullptr);
  if (when == -1) return std::nullopt;
  return std::max(0.0, std::difftime(when, now));
}

double retry_delay_seconds(const RetryPolicy &policy, int retry, std::optional<double> retry_after,
                           std::mt19937_64 &random) {
  if (retry_after) return std::min(*retry_after, policy.max_retry_after_seconds);
  double ceiling =
      std::min(policy.max_backoff_seconds, policy.base_backoff_seconds * std::ldexp(1.0, retry));
  std::uniform_real_distribution<double> jitter(ceiling / 2, ceiling);
  return jitter(random);
}

}  // namespace chorus::http
