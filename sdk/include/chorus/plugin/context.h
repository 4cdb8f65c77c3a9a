// What a plugin instance knows of its host: logging, metrics and the stop flag.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

struct chorus_host_v1;

namespace chorus {

class PluginContext {
 public:
  // `host` may be null (unit tests): logs then go to stderr and stop is never requested.
  explicit PluginContext(const chorus_host_v1 *host = nullptr) : host_(host) {}

  void debug(std::string_view message) const;
  void info(std::string_view message) const;
  void warn(std::string_view message) const;
  void error(std::string_view message) const;

  // Writes a Singer metric line on the log: "METRIC: {"type":"counter","metric":name,
  // "value":value,"tags":tags}". The host parses these into its per-stream counts.
  void counter(std::string_view metric, std::int64_t value, const nlohmann::json &tags) const;
  void timer(std::string_view metric, double seconds, const nlohmann::json &tags) const;

  bool stop_requested() const;
  const chorus_host_v1 *host() const { return host_; }

 private:
  void log(int level, std::string_view message) const;
  const chorus_host_v1 *host_;
};

}  // namespace chorus
