#include "chorus/http/request.h"

#include <curl/curl.h>
#include <strings.h>

#include <memory>

#include "chorus/http/exact_json.h"
#include "chorus/plugin/errors.h"

namespace chorus::http {
namespace {

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::string without_query(const std::string &url) { return url.substr(0, url.find('?')); }

}  // namespace

void HttpRequest::set_query(std::string name, std::string value) {
  for (auto &[key, existing] : query) {
    if (key == name) {
      existing = std::move(value);
      return;
    }
  }
  query.emplace_back(std::move(name), std::move(value));
}

void HttpRequest::set_header(std::string name, std::string value) {
  for (auto &[key, existing] : headers) {
    if (equals_ignoring_case(key, name)) {
      existing = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

const std::string *HttpResponse::header(std::string_view name) const {
  for (const auto &[key, value] : headers) {
    if (equals_ignoring_case(key, name)) return &value;
  }
  return nullptr;
}

nlohmann::json HttpResponse::json() const {
  try {
    return parse_exact(body);
  } catch (const nlohmann::json::parse_error &error) {
    throw FatalError("the response of " + without_query(url) + " (status " +
                     std::to_string(status) + ") is not JSON: " + error.what() +
                     "; check the URL and the Accept header");
  }
}

std::string url_encode(std::string_view text) {
  std::string out;
  static const char *hex = "0123456789ABCDEF";
  for (unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0xF];
    }
  }
  return out;
}

std::string with_query(const std::string &url, const QueryList &query) {
  if (query.empty()) return url;
  std::string out = url;
  char separator = url.find('?') == std::string::npos ? '?' : '&';
  if (!out.empty() && (out.back() == '?' || out.back() == '&')) separator = '\0';
  for (const auto &[name, value] : query) {
    if (separator != '\0') out += separator;
    out += url_encode(name);
    out += '=';
    out += url_encode(value);
    separator = '&';
  }
  return out;
}

std::string resolve_url(const std::string &base, const std::string &reference) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> handle(curl_url(), &curl_url_cleanup);
  if (!handle) throw FatalError("out of memory while parsing a URL");
  if (curl_url_set(handle.get(), CURLUPART_URL, base.c_str(), 0) != CURLUE_OK) {
    throw FatalError("'" + without_query(base) + "' is not a URL");
  }
  // With a base already set, libcurl resolves a relative reference against it (RFC 3986 5.2).
  if (curl_url_set(handle.get(), CURLUPART_URL, reference.c_str(), 0) != CURLUE_OK) {
    throw FatalError("'" + without_query(reference) + "' is not a URL or a relative reference");
  }
  char *resolved = nullptr;
  if (curl_url_get(handle.get(), CURLUPART_URL, &resolved, 0) != CURLUE_OK) {
    throw FatalError("cannot resolve '" + reference + "' against '" + without_query(base) + "'");
  }
  std::string out(resolved);
  curl_free(resolved);
  return out;
}

}  // namespace chorus::http
