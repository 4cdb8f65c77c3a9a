// Keeps a paginated sync from looping: no page is requested twice in one stream, and no stream
// reads more than a set number of pages.
//
// A page is known by its request without credentials: the URL's query parameters that carry a
// registered secret are left out and the rest are sorted, so that a next link which repeats the
// API key, or lists the parameters in another order, still counts as the same page.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>

#include "chorus/http/request.h"
#include "chorus/http/secrets.h"

namespace chorus::http {

class PageGuard {
 public:
  // `max_pages` 0: no bound.
  PageGuard(std::string stream, std::size_t max_pages, const SecretMasker &secrets);

  // Call with the request of page `page` (1-based) before it is sent. Throws chorus::FatalError
  // when the same page was requested before in this stream (the API's pagination cycles), or
  // when `page` is beyond max_pages.
  void check(const HttpRequest &request, std::size_t page);

  // The request as the guard knows it: method, URL without credentials, sorted parameters.
  std::string identity(const HttpRequest &request) const;

 private:
  std::string stream_;
  std::size_t max_pages_;
  const SecretMasker &secrets_;
  std::unordered_map<std::string, std::size_t> seen_;  // identity -> page number
};

}  // namespace chorus::http
