// Routes one member's log lines: METRIC lines to the metrics, everything else to the host log
// under the member's name (redacted there).
#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "log.h"
#include "pipeline/metrics.h"
#include "plugins/plugin_instance.h"

namespace chorus::host {

class MemberLog {
 public:
  MemberLog(std::string name, MetricsCollector *metrics)
      : name_(std::move(name)), metrics_(metrics) {}

  // A line from a plugin's host->log.
  void line(LogLevel level, std::string_view message);
  // A line from a child's stderr: the level is taken from a leading word such as "INFO" or
  // "ERROR"/"CRITICAL" (Python logging, or an isolated plugin), Info otherwise; the lines of a
  // Python traceback are errors.
  void stderr_line(std::string_view text);

  PluginLogFunction function();

  // The last line logged at warning level or above, to quote when the member fails.
  std::string last_problem() const;

 private:
  std::string name_;
  MetricsCollector *metrics_;
  mutable std::mutex mutex_;
  std::string last_problem_;
  bool in_traceback_ = false;  // stderr_line() is called from one reader thread only
};

// Reads a child's stderr pipe line by line on a thread until EOF.
class StderrReader {
 public:
  StderrReader() = default;
  ~StderrReader();
  // Takes ownership of read_fd.
  void start(int read_fd, MemberLog *log);
  void join();

 private:
  std::thread thread_;
};

// The log function an isolated child uses: "LEVEL message" lines on its stderr, which the
// parent's StderrReader turns back into log lines.
PluginLogFunction child_stderr_log();

}  // namespace chorus::host
