// What a run tells the user while it runs (a progress line on a terminal) and at the end (per
// stream records, seconds, records/s, MB/s).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "metrics.h"

namespace chorus::host {

class RunReport {
 public:
  RunReport(const MetricsCollector &metrics, std::string tap, std::string target);

  // Rewrites the progress line on stderr, when stderr is a terminal and the run has lasted a
  // few seconds. Call periodically.
  void tick();
  // Ends the progress line and logs the summary.
  void summary(std::uint64_t bytes_moved, std::size_t states_written);
  double elapsed_seconds() const;

 private:
  const MetricsCollector &metrics_;
  std::string tap_;
  std::string target_;
  std::chrono::steady_clock::time_point start_;
  bool on_terminal_;
  bool progress_shown_ = false;
};

}  // namespace chorus::host
