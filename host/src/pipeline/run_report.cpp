#include "pipeline/run_report.h"

#include <spdlog/fmt/fmt.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "log.h"

namespace chorus::host {
namespace {

// A terminal line shows this many streams; the rest are summed up.
constexpr std::size_t kStreamsOnTerminal = 3;

std::string committed_text(const StreamTally &tally, bool any_state) {
  return any_state ? fmt::format("{} committed", tally.committed)
                   : std::string("none confirmed committed (no STATE reached the target)");
}

}  // namespace

RunReport::RunReport(const RecordLedger &ledger, std::string tap, std::string target,
                     double progress_interval)
    : ledger_(ledger),
      tap_(std::move(tap)),
      target_(std::move(target)),
      progress_interval_(progress_interval),
      start_(std::chrono::steady_clock::now()),
      on_terminal_(::isatty(2) == 1),
      next_log_(progress_interval) {}

double RunReport::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

std::string RunReport::progress_text(double seconds) const {
  const auto tallies = ledger_.tally();
  std::string text = fmt::format("{} -> {}: {:.0f} s", tap_, target_, seconds);
  if (tallies.empty()) return text + ", no records yet";
  std::size_t shown = 0;
  std::uint64_t others = 0;
  for (const auto &[stream, tally] : tallies) {
    if (on_terminal_ && shown == kStreamsOnTerminal) {
      others += tally.read;
      continue;
    }
    text += fmt::format(", {}: {} records ({:.0f}/s), {} committed", stream, tally.read,
                        static_cast<double>(tally.read) / std::max(seconds, 1e-6), tally.committed);
    ++shown;
  }
  if (others > 0) {
    text += fmt::format(", {} more streams: {} records", tallies.size() - shown, others);
  }
  return text;
}

void RunReport::tick() {
  const double seconds = elapsed_seconds();
  if (on_terminal_) {
    // The first second is left alone: a short run needs no progress line.
    if (seconds < 1) return;
    // A line wider than the terminal would wrap, and \r would then rewrite only its last part.
    std::string text = progress_text(seconds);
    winsize size{};
    if (::ioctl(2, TIOCGWINSZ, &size) == 0 && size.ws_col > 1 && text.size() >= size.ws_col) {
      text.resize(size.ws_col - 1u);
    }
    std::string line = "\r" + text + "\x1b[K";
    std::fputs(line.c_str(), stderr);
    std::fflush(stderr);
    progress_shown_ = true;
    return;
  }
  if (progress_interval_ <= 0 || seconds < next_log_) return;
  next_log_ = seconds + progress_interval_;
  log_info("progress: " + progress_text(seconds));
}

std::string RunReport::counts_text() const {
  const bool any_state = ledger_.checkpoints().received_count() > 0;
  std::string text;
  for (const auto &[stream, tally] : ledger_.tally()) {
    if (!text.empty()) text += "; ";
    text += fmt::format("{}: {} read", stream, tally.read);
    if (ledger_.has_mappers() && tally.sent != tally.read) {
      text += fmt::format(", {} passed on by the mappers", tally.sent);
    }
    text += ", " + committed_text(tally, any_state);
  }
  return text.empty() ? "no records read" : text;
}

void RunReport::finish(const RunVerdict &verdict, std::uint64_t bytes_moved,
                       std::size_t states_written) {
  if (progress_shown_) {
    std::fputs("\r\x1b[K", stderr);
    std::fflush(stderr);
  }
  if (!verdict.succeeded()) {
    log_error("run failed: " + verdict.cause + " | " + counts_text());
    return;
  }
  const double seconds = std::max(elapsed_seconds(), 1e-6);
  const bool any_state = ledger_.checkpoints().received_count() > 0;
  std::uint64_t read = 0;
  std::uint64_t committed = 0;
  for (const auto &[stream, tally] : ledger_.tally()) {
    read += tally.read;
    committed += tally.committed;
    std::string line = fmt::format("stream {}: {} read", stream, tally.read);
    if (ledger_.has_mappers()) line += fmt::format(", {} reached the target", tally.sent);
    line += ", " + committed_text(tally, any_state);
    if (any_state && tally.committed < tally.sent) {
      line += fmt::format(" ({} after the last confirmed STATE)", tally.sent - tally.committed);
    }
    log_info(line + fmt::format(", {:.0f} records/s", static_cast<double>(tally.read) / seconds));
  }
  std::string mb = bytes_moved > 0 ? fmt::format(", {:.2f} MB/s",
                                                 static_cast<double>(bytes_moved) / 1e6 / seconds)
                                   : std::string();
  log_info(
      fmt::format("run succeeded: {} records read, {} committed in {:.2f} s ({:.0f} records/s{}), "
                  "{} state messages stored | {}",
                  read, committed, seconds, static_cast<double>(read) / seconds, mb, states_written,
                  counts_text()));
}

}  // namespace chorus::host
