#include "run_report.h"

#include <spdlog/fmt/fmt.h>
#include <unistd.h>

#include <cstdio>

#include "log.h"

namespace chorus::host {

RunReport::RunReport(const MetricsCollector &metrics, std::string tap, std::string target)
    : metrics_(metrics),
      tap_(std::move(tap)),
      target_(std::move(target)),
      start_(std::chrono::steady_clock::now()),
      on_terminal_(::isatty(2) == 1) {}

double RunReport::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void RunReport::tick() {
  const double seconds = elapsed_seconds();
  if (!on_terminal_ || seconds < 3) return;
  std::uint64_t records = metrics_.total_records(tap_);
  if (records == 0) records = metrics_.total_records(target_);
  std::string line = fmt::format("\r{} -> {}: {} records, {:.0f} s, {:.0f} records/s\x1b[K", tap_,
                                 target_, records, seconds, records / seconds);
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
  progress_shown_ = true;
}

void RunReport::summary(std::uint64_t bytes_moved, std::size_t states_written) {
  if (progress_shown_) {
    std::fputs("\r\x1b[K", stderr);
    std::fflush(stderr);
  }
  const double seconds = std::max(elapsed_seconds(), 1e-6);
  auto streams = metrics_.records_by_stream(tap_);
  if (streams.empty()) streams = metrics_.records_by_stream(target_);
  std::uint64_t total = 0;
  for (const auto &[stream, records] : streams) {
    total += records;
    log_info(fmt::format("stream {}: {} records in {:.2f} s, {:.0f} records/s", stream, records,
                         seconds, records / seconds));
  }
  std::string mb =
      bytes_moved > 0 ? fmt::format(", {:.2f} MB/s", bytes_moved / 1e6 / seconds) : std::string();
  log_info(
      fmt::format("run finished: {} records in {:.2f} s, {:.0f} records/s{}, {} state "
                  "messages stored",
                  total, seconds, total / seconds, mb, states_written));
}

}  // namespace chorus::host
