// tap-rest incremental sync with date-times in different UTC offsets: compared as instants, the
// bookmark stored in one canonical form.
#include <doctest/doctest.h>

#include "chorus/http/bookmark.h"
#include "tap_rest_support.h"

// The tap-rest test kit (tap_rest_support.h) and the local test API.
using namespace chorus_test;
using nlohmann::json;
using namespace chorus::http;

namespace {

json tz_config(bool api_filters) {
  json stream = {{"name", "events"},
                 {"path", "/tz"},
                 {"records_path", "$.data[*]"},
                 {"primary_keys", {"id"}},
                 {"replication_key", "updated_at"}};
  if (api_filters) stream["replication_param"] = "updated_since";
  return {{"api_url", ApiServer::instance().base_url()}, {"streams", json::array({stream})}};
}

// 10:00 at +02:00 is 08:00 UTC: as text it sorts after 09:30Z and 09:45Z.
json state_at_ten_plus_two() {
  return {{"bookmarks",
           {{"events",
             {{"replication_key", "updated_at"},
              {"replication_key_value", "2024-01-01T10:00:00+02:00"}}}}}};
}

}  // namespace

TEST_CASE("date-times are ordered as instants whatever their offset") {
  CHECK(replication_value_less(json("2024-01-01T10:00:00+02:00"), json("2024-01-01T09:30:00Z")));
  CHECK_FALSE(
      replication_value_less(json("2024-01-01T09:30:00Z"), json("2024-01-01T10:00:00+02:00")));
  CHECK(replication_value_less(json("2024-01-01T08:00:00Z"), json("2024-01-01T08:00:00.5Z")));
  CHECK(replication_value_less(json(9), json(10)));
  CHECK(replication_value_less(json("2024-01-01"), json("2024-01-02")));
  CHECK(format_date_time(*parse_date_time("2024-01-01T10:00:00+02:00")) == "2024-01-01T08:00:00Z");
  CHECK(format_date_time(*parse_date_time("2024-03-01 01:30:00.250-0100")) ==
        "2024-03-01T02:30:00.25Z");
  CHECK(format_date_time(*parse_date_time("2023-12-31T23:59:59Z")) == "2023-12-31T23:59:59Z");
  CHECK(format_date_time(*parse_date_time("1969-12-31T23:59:59.000000001Z")) ==
        "1969-12-31T23:59:59.000000001Z");
  CHECK_FALSE(parse_date_time("2024-02-30T00:00:00Z"));
  CHECK_FALSE(parse_date_time("2024-01-01"));
  CHECK_FALSE(parse_date_time("yesterday"));
}

TEST_CASE("records newer than a bookmark in another offset are kept when filtered client-side") {
  PluginRun run = require_success(rest_tap().run(tz_config(false), state_at_ten_plus_two()));
  // 07:00Z is before 08:00Z; 09:30Z, 09:45+00:00 and 11:00+02:00 (09:00Z) are not.
  CHECK(record_ids(run) == std::vector<long>({2, 3, 4}));
  CHECK(chorus_test::bookmark_of(run, "events") == "2024-01-01T09:45:00Z");
}

TEST_CASE("an API that filters by the bookmark gets it in canonical UTC form and is trusted") {
  PluginRun run = require_success(rest_tap().run(tz_config(true), state_at_ten_plus_two()));
  CHECK(record_ids(run) == std::vector<long>({2, 3, 4}));
  json seen = ApiServer::instance().stats()["seen_params"];
  CHECK(seen.back()["updated_since"] == "2024-01-01T08:00:00Z");
  CHECK(chorus_test::bookmark_of(run, "events") == "2024-01-01T09:45:00Z");

  // The next run, from that bookmark, gets only what is not older than it.
  PluginRun next = require_success(rest_tap().run(tz_config(true), run.last_state()));
  CHECK(record_ids(next) == std::vector<long>({3}));
  CHECK(chorus_test::bookmark_of(next, "events") == "2024-01-01T09:45:00Z");
}
