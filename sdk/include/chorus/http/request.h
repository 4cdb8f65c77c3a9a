// One HTTP exchange as the REST kit sees it: a request to send and the response it got.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chorus::http {

using HeaderList = std::vector<std::pair<std::string, std::string>>;
using QueryList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";
  // Absolute URL. It may already carry a query string; `query` is appended to it,
  // percent-encoded, when the request is sent.
  std::string url;
  QueryList query;
  HeaderList headers;
  std::string body;

  // Replaces the value of query parameter `name` (adds it when absent). A parameter of that name
  // already in the URL's own query string (a next-page link) is removed, so that it is not sent
  // twice.
  void set_query(std::string name, std::string value);
  // Replaces the value of header `name` (case-insensitive; adds it when absent).
  void set_header(std::string name, std::string value);
};

struct HttpResponse {
  long status = 0;
  // Header names are lower-case; values are trimmed. Repeated headers appear repeatedly.
  HeaderList headers;
  std::string body;
  // The URL that was requested, query string included (for messages and relative links).
  std::string url;
  // How long the exchange took, the transfer included.
  double elapsed_seconds = 0.0;

  // The first header called `name` (case-insensitive), or nullptr.
  const std::string *header(std::string_view name) const;
  // Parses the body as JSON, keeping decimals a double would round as their text (see
  // exact_json.h). Throws chorus::RetryableError for a body that ends before its JSON does (a
  // transfer cut short), chorus::FatalError naming the URL and the parse error otherwise.
  nlohmann::json json() const;
  bool ok() const { return status >= 200 && status < 300; }
};

// `url` with `query` appended as a percent-encoded query string.
std::string with_query(const std::string &url, const QueryList &query);

// Resolves `reference` (absolute, or relative like "/items?page=2" or "?page=2") against `base`.
// Throws chorus::FatalError when either is not a URL.
std::string resolve_url(const std::string &base, const std::string &reference);

// Percent-encodes one query component (RFC 3986 unreserved characters stay as they are).
std::string url_encode(std::string_view text);

}  // namespace chorus::http
