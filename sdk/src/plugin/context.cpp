// PluginContext: logging, Singer metric lines and the stop flag, through the host when there
// is one and on stderr otherwise.
#include "chorus/plugin/context.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "chorus/abi.h"
#include "chorus/plugin/named_values.h"

namespace chorus {
namespace {

constexpr Named<int> kLevelNames[] = {
    {CHORUS_LOG_DEBUG, "debug"}, {CHORUS_LOG_INFO, "info"}, {CHORUS_LOG_WARN, "warning"}};

// Any level not listed (CHORUS_LOG_ERROR or a value from a newer host) is shown as an error.
std::string_view level_name(int level) { return name_of(kLevelNames, level, "error"); }

// Singer's metric line keeps the key order type, metric, value, tags; nlohmann::json would sort
// the keys, so the line is assembled by hand.
std::string metric_line(std::string_view type, std::string_view metric,
                        const std::string &value_text, const nlohmann::json &tags) {
  std::string line = "METRIC: {\"type\":";
  line += nlohmann::json(std::string(type)).dump();
  line += ",\"metric\":";
  line += nlohmann::json(std::string(metric)).dump();
  line += ",\"value\":";
  line += value_text;
  line += ",\"tags\":";
  line += tags.is_object() ? tags.dump() : std::string("{}");
  line += '}';
  return line;
}

}  // namespace

void PluginContext::debug(std::string_view message) const { log(CHORUS_LOG_DEBUG, message); }
void PluginContext::info(std::string_view message) const { log(CHORUS_LOG_INFO, message); }
void PluginContext::warn(std::string_view message) const { log(CHORUS_LOG_WARN, message); }
void PluginContext::error(std::string_view message) const { log(CHORUS_LOG_ERROR, message); }

void PluginContext::counter(std::string_view metric, std::int64_t value,
                            const nlohmann::json &tags) const {
  log(CHORUS_LOG_INFO, metric_line("counter", metric, std::to_string(value), tags));
}

void PluginContext::timer(std::string_view metric, double seconds,
                          const nlohmann::json &tags) const {
  log(CHORUS_LOG_INFO, metric_line("timer", metric, nlohmann::json(seconds).dump(), tags));
}

bool PluginContext::stop_requested() const {
  return host_ != nullptr && host_->stop_requested != nullptr && host_->stop_requested(host_) != 0;
}

void PluginContext::log(int level, std::string_view message) const {
  if (host_ != nullptr && host_->log != nullptr) {
    const std::string text(message);
    host_->log(host_, static_cast<chorus_log_level>(level), text.c_str());
    return;
  }
  const std::string_view level_text = level_name(level);
  std::fprintf(stderr, "%.*s: %.*s\n", static_cast<int>(level_text.size()), level_text.data(),
               static_cast<int>(message.size()), message.data());
}

}  // namespace chorus
