#include "pipe_relay.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace chorus::host {

PipeRelay::~PipeRelay() { join(); }

void PipeRelay::start(int from_fd, int to_fd) {
  thread_ = std::thread([this, from_fd, to_fd] {
    constexpr std::size_t kChunk = std::size_t{1} << 20;
    while (true) {
      ssize_t n = ::splice(from_fd, nullptr, to_fd, nullptr, kChunk, SPLICE_F_MOVE);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      bytes_.fetch_add(static_cast<std::uint64_t>(n), std::memory_order_relaxed);
    }
    ::close(to_fd);
    ::close(from_fd);
  });
}

void PipeRelay::join() {
  if (thread_.joinable()) thread_.join();
}

}  // namespace chorus::host
