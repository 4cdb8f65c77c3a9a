// A chorus_host_v1 for tests that run a plugin class in-process and look at what it logged.
// Thread-safe: a plugin may log from its own threads (the S3 upload threads do).
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "chorus/abi.h"
#include "chorus/plugin/context.h"

namespace chorus::testing {

class LogCapture {
 public:
  LogCapture() {
    host_.struct_size = sizeof host_;
    host_.abi_major = CHORUS_ABI_MAJOR;
    host_.abi_minor = CHORUS_ABI_MINOR;
    host_.host_data = this;
    host_.set_error = [](const chorus_host_v1 *, chorus_status, const char *) {};
    host_.log = [](const chorus_host_v1 *host, chorus_log_level level, const char *message) {
      auto *self = static_cast<LogCapture *>(host->host_data);
      std::lock_guard<std::mutex> lock(self->mutex_);
      self->lines_.push_back({level, message});
    };
    host_.stop_requested = [](const chorus_host_v1 *) -> int32_t { return 0; };
  }
  LogCapture(const LogCapture &) = delete;
  LogCapture &operator=(const LogCapture &) = delete;

  PluginContext context() const { return PluginContext(&host_); }

  // The messages logged at `level` (CHORUS_LOG_WARN, ...), oldest first.
  std::vector<std::string> at(int level) const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<std::string> out;
    for (const auto &line : lines_) {
      if (line.level == level) out.push_back(line.message);
    }
    return out;
  }

 private:
  struct Line {
    int level;
    std::string message;
  };
  chorus_host_v1 host_{};
  mutable std::mutex mutex_;
  std::vector<Line> lines_;
};

}  // namespace chorus::testing
