#include "pipeline/pipe_relay.h"

#include <unistd.h>

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
