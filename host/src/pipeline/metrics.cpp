#include "pipeline/metrics.h"

namespace chorus::host {

std::optional<Metric> parse_metric_line(std::string_view line) {
  constexpr std::string_view kMarker = "METRIC:";
  auto at = line.find(kMarker);
  if (at == std::string_view::npos) return std::nullopt;
  auto document = nlohmann::json::parse(line.substr(at + kMarker.size()), nullptr, false);
  if (document.is_discarded() || !document.is_object()) return std::nullopt;
  Metric metric;
  metric.type = document.value("type", "");
  metric.metric = document.value("metric", "");
  auto value = document.find("value");
  if (value != document.end() && value->is_number()) metric.value = value->get<double>();
  auto tags = document.find("tags");
  if (tags != document.end() && tags->is_object()) metric.tags = *tags;
  if (metric.metric.empty()) return std::nullopt;
  return metric;
}

bool MetricsCollector::consume(const std::string &plugin, std::string_view line) {
  auto metric = parse_metric_line(line);
  if (!metric) return false;
  if (metric->type == "counter" && metric->metric == "record_count" && metric->value > 0) {
    std::string stream;
    for (const char *key : {"stream", "endpoint", "table"}) {
      auto tag = metric->tags.find(key);
      if (tag != metric->tags.end() && tag->is_string()) {
        stream = tag->get<std::string>();
        break;
      }
    }
    if (stream.empty()) stream = "(all)";
    std::lock_guard lock(mutex_);
    records_[plugin][stream] += static_cast<std::uint64_t>(metric->value);
  }
  return true;
}

std::map<std::string, std::uint64_t> MetricsCollector::records_by_stream(
    const std::string &plugin) const {
  std::lock_guard lock(mutex_);
  auto found = records_.find(plugin);
  return found == records_.end() ? std::map<std::string, std::uint64_t>{} : found->second;
}

std::uint64_t MetricsCollector::total_records(const std::string &plugin) const {
  std::uint64_t total = 0;
  for (const auto &[stream, count] : records_by_stream(plugin)) total += count;
  return total;
}

}  // namespace chorus::host
