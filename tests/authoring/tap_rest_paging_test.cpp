// tap-rest pagination against servers that cap page sizes, cycle cursors, link on forever and
// shift offsets between pages: every record arrives, and no server makes the tap loop.
#include <doctest/doctest.h>

#include <algorithm>

#include "tap_rest_support.h"

// The tap-rest test kit (tap_rest_support.h) and the local test API.
using namespace chorus_test;
using nlohmann::json;

namespace {

long requests_since(long before) {
  return ApiServer::instance().stats()["requests"].get<long>() - before;
}

}  // namespace

TEST_CASE("offset paging against a server that caps the page size reads every record") {
  long before = ApiServer::instance().stats()["requests"];
  PluginRun run = require_success(rest_tap().run(
      rest_config({{"paging", "offset"}, {"cap", "10"}}, {{"type", "offset"}, {"limit", 500}})));
  CHECK(record_ids(run) == id_range(1, 25));
  // Offsets 0, 10, 20 and the empty page at 25 that ends the stream.
  CHECK(requests_since(before) == 4);
  CHECK(chorus_test::bookmark_of(run) == "2024-01-25T00:00:00Z");
}

TEST_CASE("offset paging stops at the total the body reports, without an empty page") {
  long before = ApiServer::instance().stats()["requests"];
  PluginRun run = require_success(rest_tap().run(
      rest_config({{"paging", "offset"}, {"cap", "10"}},
                  {{"type", "offset"}, {"limit", 500}, {"total_path", "$.meta.total"}})));
  CHECK(record_ids(run) == id_range(1, 25));
  CHECK(requests_since(before) == 3);
  json seen = ApiServer::instance().stats()["seen_params"];
  CHECK(seen[seen.size() - 1]["offset"] == "20");
  CHECK(seen[seen.size() - 2]["offset"] == "10");
}

TEST_CASE("page-number paging against a server that caps the page size reads every record") {
  PluginRun run = require_success(rest_tap().run(
      rest_config({{"paging", "page"}, {"cap", "10"}},
                  {{"type", "page_number"}, {"page_size_param", "per_page"}, {"page_size", 50}})));
  CHECK(record_ids(run) == id_range(1, 25));
}

TEST_CASE("a cursor that cycles A, B, A is an error after the pages read once") {
  PluginRun run = rest_tap().run(
      rest_config({{"paging", "cycle"}}, {{"type", "cursor"}, {"path", "$.meta.next_cursor"}}));
  CHECK(run.status == CHORUS_ERR_FATAL);
  CHECK(record_ids(run) == id_range(1, 6));
  CHECK(run.error.find("stream 'items', page 4") != std::string::npos);
  CHECK(run.error.find("links back to page 2") != std::string::npos);
  CHECK(run.error.find("cursor=A") != std::string::npos);
  // Not sorted: no bookmark is stored for an incomplete stream.
  CHECK(chorus_test::bookmark_of(run).empty());
}

TEST_CASE("a next link to the same page, API key included, is an error and sends the key once") {
  json config = rest_config({{"paging", "self"}}, {{"type", "next_url"}, {"path", "/links/next"}});
  config["auth"] = api_key_in_query("k3y-9f8e7d");
  PluginRun run = rest_tap().run(config);
  CHECK(run.status == CHORUS_ERR_FATAL);
  CHECK(record_ids(run) == id_range(1, 3));
  CHECK(run.error.find("page 2: the API links back to page 1") != std::string::npos);
  CHECK(run.error.find("k3y-9f8e7d") == std::string::npos);
}

TEST_CASE("a next link that carries the API key is followed without adding the key again") {
  json config = rest_config({{"paging", "next_url"}, {"auth", "key"}, {"page_size", "10"}},
                            {{"type", "next_url"}, {"path", "/links/next"}});
  config["auth"] = api_key_in_query("k3y");
  PluginRun run = require_success(rest_tap().run(config));
  CHECK(record_ids(run) == id_range(1, 25));
  json queries = ApiServer::instance().stats()["seen_queries"];
  // The server's next links repeat every parameter, the key included.
  for (std::size_t i = queries.size() - 3; i < queries.size(); ++i) {
    std::string query = queries[i];
    INFO(query);
    std::size_t first = query.find("api_key=");
    REQUIRE(first != std::string::npos);
    CHECK(query.find("api_key=", first + 1) == std::string::npos);
  }
}

TEST_CASE("empty pages that keep linking on end the stream at the first of them") {
  long before = ApiServer::instance().stats()["requests"];
  PluginRun run = require_success(rest_tap().run(
      rest_config({{"paging", "empty_tail"}}, {{"type", "next_url"}, {"path", "/links/next"}})));
  CHECK(record_ids(run) == id_range(1, 5));
  CHECK(requests_since(before) == 2);
  CHECK(chorus_test::bookmark_of(run) == "2024-01-05T00:00:00Z");
}

TEST_CASE("max_pages bounds a stream that links on: an error after that many pages") {
  json config = rest_config({{"paging", "next_url"}, {"page_size", "2"}},
                            {{"type", "next_url"}, {"path", "/links/next"}});
  config["max_pages"] = 4;
  PluginRun run = rest_tap().run(config);
  CHECK(run.status == CHORUS_ERR_FATAL);
  CHECK(record_ids(run) == id_range(1, 8));
  CHECK(run.error.find("after 4 pages (max_pages)") != std::string::npos);
}

TEST_CASE("offsets that shift between pages deliver every record, one of them twice") {
  PluginRun run = require_success(rest_tap().run(rest_config(
      {{"paging", "shift"}, {"key", unique_key("shift")}}, {{"type", "offset"}, {"limit", 10}})));
  std::vector<long> ids = record_ids(run);
  // Newest first: 25..16, then (item 26 arrived at the front) 16..7, then 6..1. Item 16 comes
  // twice (targets upsert it on its key); item 26 arrived behind the offset, and its newer
  // updated_at brings it in on the next incremental run.
  std::vector<long> expected;
  for (long id = 25; id >= 16; --id) expected.push_back(id);
  for (long id = 16; id >= 1; --id) expected.push_back(id);
  CHECK(ids == expected);
  CHECK(chorus_test::bookmark_of(run) == "2024-01-25T00:00:00Z");
}
