// Singer METRIC log lines ("METRIC: {"type":"counter","metric":"record_count","value":10,
// "tags":{"stream":"orders"}}") turned into per-plugin, per-stream record counts.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace chorus::host {

struct Metric {
  std::string type;    // "counter", "timer"
  std::string metric;  // "record_count", "http_request_duration", ...
  double value = 0;
  nlohmann::json tags = nlohmann::json::object();
};

// The metric in a log line (the JSON after "METRIC:" anywhere in the line, so prefixes such as
// "INFO " from Python taps are fine), or nullopt when the line is not a metric.
std::optional<Metric> parse_metric_line(std::string_view line);

// Collects counts from every member of a run; safe to call from any thread.
class MetricsCollector {
 public:
  // Counts the metric when it is a record_count counter. Returns true for any metric line, so
  // the caller can keep metrics out of the ordinary log.
  bool consume(const std::string &plugin, std::string_view line);

  // stream -> records counted for `plugin` (summed counter increments).
  std::map<std::string, std::uint64_t> records_by_stream(const std::string &plugin) const;
  std::uint64_t total_records(const std::string &plugin) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::map<std::string, std::uint64_t>> records_;
};

}  // namespace chorus::host
