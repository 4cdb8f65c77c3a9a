#include "pipe_relay.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "child_process.h"

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
    const char *end = block + size;
    const char *at = block;
    if (!partial_.empty() || overlong_) {
      const char *newline = static_cast<const char *>(std::memchr(at, '\n', size));
      if (newline == nullptr) {
        keep(at, size);
        return;
      }
      keep(at, static_cast<std::size_t>(newline - at));
      if (!overlong_) line(partial_);
      partial_.clear();
      overlong_ = false;
      at = newline + 1;
    }
    while (at < end) {
      const char *newline =
          static_cast<const char *>(std::memchr(at, '\n', static_cast<std::size_t>(end - at)));
      if (newline == nullptr) break;
      line(std::string_view(at, static_cast<std::size_t>(newline - at)));
      at = newline + 1;
    }
    keep(at, static_cast<std::size_t>(end - at));
  }

  // End of input: a last line without '\n'.
  void finish() {
    if (!partial_.empty() && !overlong_) line(partial_);
  }

 private:
  void keep(const char *text, std::size_t size) {
    if (overlong_) return;
    if (partial_.size() + size > kMaxCountedLine) {
      overlong_ = true;
      partial_.clear();
      return;
    }
    partial_.append(text, size);
  }

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
  std::string partial_;
  bool overlong_ = false;
};

}  // namespace

PipeRelay::~PipeRelay() { join(); }

void PipeRelay::start(int from_fd, int to_fd, StreamCounts *records, StateCheckpoints *states) {
  thread_ = std::thread([this, from_fd, to_fd, records, states] {
    constexpr std::size_t kChunk = std::size_t{1} << 20;
    std::vector<char> block(kChunk);
    LineCounter counter(records, states);
    while (true) {
      ssize_t n = ::read(from_fd, block.data(), block.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      const auto size = static_cast<std::size_t>(n);
      counter.scan(block.data(), size);
      if (!write_all(to_fd, std::string_view(block.data(), size))) break;
      bytes_.fetch_add(size, std::memory_order_relaxed);
    }
    counter.finish();
    ::close(to_fd);
    ::close(from_fd);
  });
}

void PipeRelay::join() {
  if (thread_.joinable()) thread_.join();
}

}  // namespace chorus::host
