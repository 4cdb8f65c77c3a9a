// Moves bytes from one pipe to another with splice(2) (no copy through user space) and counts
// them: the host's view of how much the tap produced, for MB/s.
#pragma once

#include <atomic>
#include <cstdint>
#include <thread>

namespace chorus::host {

class PipeRelay {
 public:
  PipeRelay() = default;
  ~PipeRelay();
  PipeRelay(const PipeRelay &) = delete;
  PipeRelay &operator=(const PipeRelay &) = delete;

  // Takes ownership of both fds. Ends when the input reaches EOF (then the output is closed, so
  // the reader sees EOF) or the output's reader is gone (then the input is closed, so the writer
  // gets EPIPE instead of blocking).
  void start(int from_fd, int to_fd);
  void join();
  std::uint64_t bytes() const { return bytes_.load(); }

 private:
  std::thread thread_;
  std::atomic<std::uint64_t> bytes_{0};
};

}  // namespace chorus::host
