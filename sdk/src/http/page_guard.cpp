#include "chorus/http/page_guard.h"

#include <algorithm>
#include <vector>

#include "chorus/plugin/errors.h"

namespace chorus::http {

PageGuard::PageGuard(std::string stream, std::size_t max_pages, const SecretMasker &secrets)
    : stream_(std::move(stream)), max_pages_(max_pages), secrets_(secrets) {}

std::string PageGuard::identity(const HttpRequest &request) const {
  const std::string url = with_query(request.url, request.query);
  const std::size_t question = url.find('?');
  const std::size_t hash = url.find('#');
  std::string out = request.method + " " + url.substr(0, std::min(question, hash));
  if (question != std::string::npos) {
    std::string_view query(url.data() + question + 1,
                           (hash == std::string::npos ? url.size() : hash) - question - 1);
    std::vector<std::string_view> parameters;
    while (!query.empty()) {
      std::size_t amp = query.find('&');
      std::string_view part = query.substr(0, amp);
      query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
      // A parameter that carries a credential does not make a page different.
      if (!part.empty() && secrets_.mask(part) == part) parameters.push_back(part);
    }
    std::sort(parameters.begin(), parameters.end());
    char separator = '?';
    for (std::string_view part : parameters) {
      out += separator;
      out += part;
      separator = '&';
    }
  }
  if (!request.body.empty()) out += " " + secrets_.mask(request.body);
  return out;
}

void PageGuard::check(const HttpRequest &request, std::size_t page) {
  if (max_pages_ > 0 && page > max_pages_) {
    throw FatalError("stream '" + stream_ + "': the API still links to another page after " +
                     std::to_string(max_pages_) +
                     " pages (max_pages); raise max_pages if the stream is that long, or check "
                     "the pagination settings");
  }
  std::string key = identity(request);
  auto [found, inserted] = seen_.emplace(key, page);
  if (!inserted) {
    throw FatalError("stream '" + stream_ + "', page " + std::to_string(page) +
                     ": the API links back to page " + std::to_string(found->second) + " (" + key +
                     "); its pagination cycles, so the stream stops here rather than read the "
                     "same records again; check the pagination settings");
  }
}

}  // namespace chorus::http
