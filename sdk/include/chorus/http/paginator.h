// Paginators turn one page's response into the request for the next page. Names follow the
// Meltano SDK (JSONPathPaginator / HeaderLinkPaginator / PageNumberPaginator /
// OffsetPaginator / a cursor in the body).
//
// A paginator never decides that a page is the last because it is short: servers cap page sizes
// below what was asked. What protects a sync from a server that links on forever (a next link to
// the same page, a cursor cycling A, B, A, pages that never end) is RestStream's page guard
// (page_guard.h), which sees every page of the stream.
#pragma once

#include <cstddef>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "chorus/http/request.h"

namespace chorus::http {

class Paginator {
 public:
  virtual ~Paginator() = default;
  // Adjusts the first page's request (page=1, limit=100...). Default: unchanged.
  virtual void first_page(HttpRequest &request) { (void)request; }
  // Turns `request` (the one just sent) into the next page's request and returns true, or
  // returns false when `response` was the last page. `body` is the parsed response body and
  // `record_count` the number of records it held.
  virtual bool next_page(const HttpResponse &response, const nlohmann::json &body,
                         std::size_t record_count, HttpRequest &request) = 0;
};

// One page only.
class SinglePagePaginator final : public Paginator {
 public:
  bool next_page(const HttpResponse &, const nlohmann::json &, std::size_t,
                 HttpRequest &) override {
    return false;
  }
};

// The next page's URL is in the body at a JSON pointer ("/links/next", "/next") or a simple
// JSONPath ("$.links.next"); absolute or relative to the page's URL. Null, "" or absent: done.
class NextUrlPaginator final : public Paginator {
 public:
  explicit NextUrlPaginator(std::string path);
  bool next_page(const HttpResponse &response, const nlohmann::json &body, std::size_t,
                 HttpRequest &request) override;

 private:
  std::string path_;
};

// The next page's URL is in the Link header (RFC 8288), rel="next".
class LinkHeaderPaginator final : public Paginator {
 public:
  bool next_page(const HttpResponse &response, const nlohmann::json &, std::size_t,
                 HttpRequest &request) override;
};

// ?page=N, starting at `start`. Done on an empty page. A page size, when set, is sent as
// `page_size_param` (when that is not empty); a shorter page is not the end, since the server may
// cap the size.
class PageNumberPaginator final : public Paginator {
 public:
  PageNumberPaginator(std::string param, long start, std::string page_size_param,
                      std::size_t page_size);
  void first_page(HttpRequest &request) override;
  bool next_page(const HttpResponse &, const nlohmann::json &, std::size_t record_count,
                 HttpRequest &request) override;

 private:
  std::string param_;
  long page_;
  std::string page_size_param_;
  std::size_t page_size_;
};

// ?offset=N&limit=L. The offset advances by the number of records received (a server may return
// fewer than `limit`). Done on an empty page, or once the offset reaches the total count the body
// holds at `total_path` (JSON pointer or simple JSONPath; empty: no total).
class OffsetPaginator final : public Paginator {
 public:
  OffsetPaginator(std::string offset_param, std::string limit_param, std::size_t limit,
                  std::string total_path = {});
  void first_page(HttpRequest &request) override;
  bool next_page(const HttpResponse &, const nlohmann::json &, std::size_t record_count,
                 HttpRequest &request) override;

 private:
  std::string offset_param_;
  std::string limit_param_;
  std::size_t limit_;
  std::string total_path_;
  std::size_t offset_ = 0;
};

// An opaque cursor in the body (JSON pointer or simple JSONPath) sent back as `param`.
// Null, "" or absent: done.
class CursorPaginator final : public Paginator {
 public:
  CursorPaginator(std::string path, std::string param);
  bool next_page(const HttpResponse &response, const nlohmann::json &body, std::size_t,
                 HttpRequest &request) override;

 private:
  std::string path_;
  std::string param_;
};

// Builds a paginator from a "pagination" config object:
//   {"type": "none"}
//   {"type": "next_url", "path": "/next"}              (body; JSON pointer or $.json.path)
//   {"type": "link_header"}
//   {"type": "page_number", "param": "page", "start": 1, "page_size_param": "per_page",
//    "page_size": 100}
//   {"type": "offset", "offset_param": "offset", "limit_param": "limit", "limit": 100,
//    "total_path": "$.meta.total"}
//   {"type": "cursor", "path": "/meta/next_cursor", "param": "cursor"}
// Null or absent: one page. Throws ConfigError naming a missing or unknown key.
std::unique_ptr<Paginator> make_paginator(const nlohmann::json &pagination);

// The JSON Schema of that "pagination" object.
nlohmann::json paginator_settings_schema();

}  // namespace chorus::http
