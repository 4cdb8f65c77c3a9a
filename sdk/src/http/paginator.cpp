#include "chorus/http/paginator.h"

#include <charconv>

#include "chorus/http/exact_json.h"
#include "chorus/http/records.h"
#include "chorus/plugin/errors.h"

namespace chorus::http {
namespace {

// The string (or number) at `path` in `body`; empty when absent, null or "".
std::string token_at(const nlohmann::json &body, const std::string &path) {
  const nlohmann::json *found = find_path(body, path);
  if (found == nullptr || found->is_null()) return {};
  if (found->is_string()) return found->get<std::string>();
  if (found->is_number() || is_exact_number(*found)) return exact_dump(*found);
  throw FatalError("the pagination path '" + path + "' points at a " + found->type_name() +
                   ", not at a URL or token; check the pagination settings");
}

// The URL of the Link header entry with rel="next" (RFC 8288), or empty.
std::string next_link(const std::string &header) {
  size_t position = 0;
  while (position < header.size()) {
    size_t open = header.find('<', position);
    if (open == std::string::npos) break;
    size_t close = header.find('>', open);
    if (close == std::string::npos) break;
    size_t end = header.find(',', close);  // parameters of this link end at the next comma
    std::string params = header.substr(close + 1, end == std::string::npos ? end : end - close - 1);
    for (char &c : params) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (params.find("rel=\"next\"") != std::string::npos ||
        params.find("rel=next") != std::string::npos) {
      return header.substr(open + 1, close - open - 1);
    }
    if (end == std::string::npos) break;
    position = end + 1;
  }
  return {};
}

void go_to_url(HttpRequest &request, const HttpResponse &response, const std::string &next) {
  // The link carries the whole query string of the next page.
  request.url = resolve_url(response.url, next);
  request.query.clear();
}

}  // namespace

NextUrlPaginator::NextUrlPaginator(std::string path) : path_(std::move(path)) {}

bool NextUrlPaginator::next_page(const HttpResponse &response, const nlohmann::json &body,
                                 std::size_t, HttpRequest &request) {
  std::string next = token_at(body, path_);
  if (next.empty()) return false;
  go_to_url(request, response, next);
  return true;
}

bool LinkHeaderPaginator::next_page(const HttpResponse &response, const nlohmann::json &,
                                    std::size_t, HttpRequest &request) {
  std::string next;
  for (const auto &[name, value] : response.headers) {
    if (name == "link" && next.empty()) next = next_link(value);
  }
  if (next.empty()) return false;
  go_to_url(request, response, next);
  return true;
}

PageNumberPaginator::PageNumberPaginator(std::string param, long start, std::string page_size_param,
                                         std::size_t page_size)
    : param_(std::move(param)),
      page_(start),
      page_size_param_(std::move(page_size_param)),
      page_size_(page_size) {}

void PageNumberPaginator::first_page(HttpRequest &request) {
  request.set_query(param_, std::to_string(page_));
  if (page_size_ > 0 && !page_size_param_.empty()) {
    request.set_query(page_size_param_, std::to_string(page_size_));
  }
}

bool PageNumberPaginator::next_page(const HttpResponse &, const nlohmann::json &,
                                    std::size_t record_count, HttpRequest &request) {
  if (record_count == 0) return false;
  ++page_;
  request.set_query(param_, std::to_string(page_));
  return true;
}

OffsetPaginator::OffsetPaginator(std::string offset_param, std::string limit_param,
                                 std::size_t limit, std::string total_path)
    : offset_param_(std::move(offset_param)),
      limit_param_(std::move(limit_param)),
      limit_(limit),
      total_path_(std::move(total_path)) {}

void OffsetPaginator::first_page(HttpRequest &request) {
  request.set_query(offset_param_, std::to_string(offset_));
  request.set_query(limit_param_, std::to_string(limit_));
}

bool OffsetPaginator::next_page(const HttpResponse &, const nlohmann::json &body,
                                std::size_t record_count, HttpRequest &request) {
  if (record_count == 0) return false;
  offset_ += record_count;
  if (!total_path_.empty()) {
    const std::string total = token_at(body, total_path_);
    if (total.empty() || total.find_first_not_of("0123456789") != std::string::npos) {
      throw FatalError("the total count at pagination.total_path '" + total_path_ + "' is " +
                       (total.empty() ? "missing" : "'" + total + "'") +
                       ", not a whole number; check pagination.total_path");
    }
    std::size_t count = 0;
    auto [end, error] = std::from_chars(total.data(), total.data() + total.size(), count);
    (void)end;
    // A total beyond size_t is never reached; the first empty page ends the paging then.
    if (error == std::errc() && offset_ >= count) return false;
  }
  request.set_query(offset_param_, std::to_string(offset_));
  return true;
}

CursorPaginator::CursorPaginator(std::string path, std::string param)
    : path_(std::move(path)), param_(std::move(param)) {}

bool CursorPaginator::next_page(const HttpResponse &, const nlohmann::json &body, std::size_t,
                                HttpRequest &request) {
  std::string cursor = token_at(body, path_);
  if (cursor.empty()) return false;
  request.set_query(param_, cursor);
  return true;
}

}  // namespace chorus::http
