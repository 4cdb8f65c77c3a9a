// Moves a Singer stream from one pipe to another and counts what passes: bytes (for MB/s), the
// RECORD lines per stream and, in front of the target, the STATE lines with the counts they
// cover (see record_ledger.h). Each line is looked at (its "type" and "stream" only) before the
// block holding it is passed on, so a STATE is remembered before the target can echo it.
#pragma once

#include <atomic>
#include <cstdint>
#include <thread>

#include "pipeline/record_ledger.h"

namespace chorus::host {

class PipeRelay {
 public:
  PipeRelay() = default;
  ~PipeRelay();
  PipeRelay(const PipeRelay &) = delete;
  PipeRelay &operator=(const PipeRelay &) = delete;

  // Takes ownership of both fds. Ends when the input reaches EOF (then the output is closed, so
  // the reader sees EOF) or the output's reader is gone (then the input is closed, so the writer
  // gets EPIPE instead of blocking). `records` counts the RECORD lines; `states`, when not null,
  // gets every STATE line with the counts before it. Both must outlive join().
  void start(int from_fd, int to_fd, StreamCounts *records, StateCheckpoints *states);
  void join();
  std::uint64_t bytes() const { return bytes_.load(); }

 private:
  std::thread thread_;
  std::atomic<std::uint64_t> bytes_{0};
};

}  // namespace chorus::host
