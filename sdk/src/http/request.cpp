#include "chorus/http/request.h"

#include <curl/curl.h>

#include <memory>

#include "chorus/http/exact_json.h"
#include "chorus/plugin/errors.h"
#include "chorus/plugin/named_values.h"

namespace chorus::http {
namespace {

std::string without_query(const std::string &url) { return url.substr(0, url.find('?')); }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
        hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += text[i] == '+' ? ' ' : text[i];
    }
  }
  return out;
}

// Removes every parameter called `name` from the query string of `url`.
void remove_url_parameter(std::string &url, std::string_view name) {
  std::size_t question = url.find('?');
  if (question == std::string::npos) return;
  std::size_t hash = url.find('#', question);
  std::string_view query(url.data() + question + 1,
                         (hash == std::string::npos ? url.size() : hash) - question - 1);
  std::string kept;
  bool removed = false;
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (percent_decode(part.substr(0, part.find('='))) == name) {
      removed = true;
      continue;
    }
    if (!kept.empty()) kept += '&';
    kept += part;
  }
  if (!removed) return;
  std::string fragment = hash == std::string::npos ? std::string() : url.substr(hash);
  url = url.substr(0, kept.empty() ? question : question + 1) + kept + fragment;
}

}  // namespace

void HttpRequest::set_query(std::string name, std::string value) {
  remove_url_parameter(url, name);
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
    if (error.byte >= body.size()) {
      // Valid so far and then over: the transfer was cut, which without a Content-Length (or a
      // chunked ending) nothing below this parser can notice. Worth another try.
      throw RetryableError(
          "the response of " + without_query(url) + " (status " + std::to_string(status) +
          ") ended after " + std::to_string(body.size()) + " bytes, before its JSON was complete" +
          (header("content-length") ? "" : " (the server sent no Content-Length)") +
          "; the connection was probably cut");
    }
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
