#include "pipeline/pipe_relay.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "process/child_process.h"
#include "process/fd_io.h"
#include "process/line_splitter.h"

namespace chorus::host {
namespace {

// A line longer than this is passed on without being counted (the members behind the relay
// refuse such a line anyway; the relay must not hold it all in memory).
constexpr std::size_t kMaxCountedLine = std::size_t{64} << 20;

class LineCounter {
 public:
  LineCounter(StreamCounts *records, StateCheckpoints *states)
      : records_(records), states_(states) {}

  // Looks at every complete line of `block`, joining the part left from the previous block.
  void scan(const char *block, std::size_t size) {
    lines_.feed(std::string_view(block, size), [this](std::string_view text) { line(text); });
  }

  // End of input: a last line without '\n'.
  void finish() {
    lines_.finish([this](std::string_view text) { line(text); });
  }

 private:
  void line(std::string_view text) {
    const SingerPeek peek = peek_singer_line(text);
    if (peek.kind == SingerKind::Record) {
      records_->add(peek);
    } else if (peek.kind == SingerKind::State && states_ != nullptr) {
      states_->received(text, records_->snapshot());
    }
  }

  StreamCounts *records_;
  StateCheckpoints *states_;
  LineSplitter lines_{kMaxCountedLine};
};

// Reads exactly `size` bytes of `fd` through `block`, handing each piece to `counter`; false
// when the input ends or fails first.
bool read_and_count(int fd, std::size_t size, std::vector<char> &block, LineCounter &counter) {
  while (size > 0) {
    const ssize_t n = ::read(fd, block.data(), std::min(block.size(), size));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    counter.scan(block.data(), static_cast<std::size_t>(n));
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

// Moves `size` bytes from the pipe `from_fd` to `to_fd`: with splice(), which hands the pipe's
// pages on without copying them, or, where the output cannot take a splice, by read() and
// write(). False when the output's reader is gone.
bool pass_on(int from_fd, int to_fd, std::size_t size, std::vector<char> &block, bool &can_splice) {
  while (size > 0 && can_splice) {
    const ssize_t n = ::splice(from_fd, nullptr, to_fd, nullptr, size, SPLICE_F_MOVE);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EINVAL) {
      can_splice = false;
      break;
    }
    if (n <= 0) return false;
    size -= static_cast<std::size_t>(n);
  }
  while (size > 0) {
    const ssize_t n = ::read(from_fd, block.data(), std::min(block.size(), size));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    if (!write_all(to_fd, std::string_view(block.data(), static_cast<std::size_t>(n)))) {
      return false;
    }
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

PipeRelay::~PipeRelay() { join(); }

// With a pipe as input, the relay does not copy the stream through itself: tee() puts what
// waits in the input pipe into a pipe of the relay's own as well (the same pages, not a copy),
// the relay reads and counts that, and only then splice() moves the input's pages on to the
// output. So every line is still looked at before the target can read it, and each byte is
// copied once in the relay instead of twice (read() and write()). An input that is not a pipe
// is copied through a buffer.
void PipeRelay::start(int from_fd, int to_fd, StreamCounts *records, StateCheckpoints *states) {
  thread_ = std::thread([this, from_fd, to_fd, records, states] {
    constexpr std::size_t kChunk = std::size_t{1} << 20;
    std::vector<char> block(kChunk);
    LineCounter counter(records, states);
    int view[2] = {-1, -1};
    bool can_tee = ::pipe2(view, O_CLOEXEC) == 0;
    if (can_tee) {
      const int input_size = ::fcntl(from_fd, F_GETPIPE_SZ);
      if (input_size > 0) widen_pipe(view[1], input_size);
    }
    bool can_splice = true;
    while (true) {
      if (can_tee) {
        const ssize_t n = ::tee(from_fd, view[1], kChunk, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EINVAL) {
          can_tee = false;  // the input is not a pipe: nothing was taken from it
          continue;
        }
        if (n <= 0) break;
        const auto size = static_cast<std::size_t>(n);
        if (!read_and_count(view[0], size, block, counter) ||
            !pass_on(from_fd, to_fd, size, block, can_splice)) {
          break;
        }
        bytes_.fetch_add(size, std::memory_order_relaxed);
        continue;
      }
      ssize_t n = ::read(from_fd, block.data(), block.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      const auto size = static_cast<std::size_t>(n);
      counter.scan(block.data(), size);
      if (!write_all(to_fd, std::string_view(block.data(), size))) break;
      bytes_.fetch_add(size, std::memory_order_relaxed);
    }
    counter.finish();
    close_fd(view[0]);
    close_fd(view[1]);
    ::close(to_fd);
    ::close(from_fd);
  });
}

void PipeRelay::join() {
  if (thread_.joinable()) thread_.join();
}

}  // namespace chorus::host
