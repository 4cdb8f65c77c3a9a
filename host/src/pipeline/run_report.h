// What a run tells the user while it runs and when it ends, from the host's own record counts
// (record_ledger.h), never from plugins' reports: on a terminal, a progress line rewritten in
// place (records, rate and elapsed per stream); elsewhere, a progress log line every
// `progress_interval` seconds; at the end, per-stream lines and a last line that says whether
// the run succeeded, with records read and committed per stream.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "pipeline/record_ledger.h"
#include "pipeline/run_outcome.h"

namespace chorus::host {

class RunReport {
 public:
  // progress_interval: seconds between progress log lines when stderr is not a terminal; 0
  // turns them off.
  RunReport(const RecordLedger &ledger, std::string tap, std::string target,
            double progress_interval);

  // Call periodically (the host calls it about four times a second).
  void tick();
  // Ends the progress line and logs the outcome. A failed run gets no throughput figures: only
  // what was read and what was committed.
  void finish(const RunVerdict &verdict, std::uint64_t bytes_moved, std::size_t states_written);

  // "orders: 300 read, 300 committed" per stream, joined by "; " (the last line's counts).
  std::string counts_text() const;

 private:
  double elapsed_seconds() const;
  std::string progress_text(double seconds) const;

  const RecordLedger &ledger_;
  std::string tap_;
  std::string target_;
  double progress_interval_;
  std::chrono::steady_clock::time_point start_;
  bool on_terminal_;
  bool progress_shown_ = false;
  double next_log_ = 0;
};

}  // namespace chorus::host
