#include "pipeline/metrics.h"

#include <doctest/doctest.h>

using namespace chorus::host;

TEST_CASE("record_count counters are summed per plugin and stream") {
  MetricsCollector metrics;
  CHECK(metrics.consume(
      "tap-csv",
      R"(METRIC: {"type":"counter","metric":"record_count","value":10,"tags":{"stream":"orders"}})"));
  CHECK(metrics.consume(
      "tap-csv",
      R"(INFO METRIC: {"type":"counter","metric":"record_count","value":5,"tags":{"endpoint":"orders"}})"));
  CHECK(metrics.consume(
      "tap-csv",
      R"(METRIC: {"type":"timer","metric":"http_request_duration","value":0.5,"tags":{}})"));
  CHECK_FALSE(metrics.consume("tap-csv", "starting sync of orders"));
  CHECK(metrics.records_by_stream("tap-csv").at("orders") == 15);
  CHECK(metrics.total_records("target-x") == 0);
}

TEST_CASE("a line with METRIC: but no JSON object is not a metric") {
  CHECK_FALSE(parse_metric_line("METRIC: not json").has_value());
  CHECK_FALSE(parse_metric_line(R"(METRIC: {"type":"counter"})").has_value());
}
