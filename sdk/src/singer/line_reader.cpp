// LineReader: large-block reads from an fd, lines handed out in place.
//
// The buffer keeps kPadding spare bytes after its usable capacity, and every line ends at or
// before the end of the data read so far, so each line is followed by at least kPadding
// readable bytes: simdjson can parse it where it lies.
#include "chorus/singer/line_reader.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "chorus/singer/errors.h"

namespace chorus::singer {

namespace {

// A block is read, then parsed: small enough that it is still in the core's cache when the
// parser reaches its end (1 MiB blocks made target-csv reading a file 5% slower), large enough
// that the partial line moved to the front after each block costs nothing worth counting.
// Reading a pipe is unchanged: a pipe hands out what it holds, and a full 1 MiB pipe buffer
// takes eight reads.
constexpr std::size_t kBlockBytes = std::size_t{1} << 17;

ProtocolError over_long_line(std::uint64_t line_number, std::size_t limit) {
  std::string text = "line is longer than " + std::to_string(limit) + " bytes";
  if (limit >= (std::size_t{1} << 20) && limit % (std::size_t{1} << 20) == 0) {
    text += " (" + std::to_string(limit >> 20) + " MiB)";
  }
  text +=
      ", the most one Singer message may take; the producer must split its data into "
      "smaller messages";
  return ProtocolError(line_number, text);
}

}  // namespace

struct LineReader::Buffer {
  std::unique_ptr<char[]> data;
  std::size_t capacity = 0;  // usable bytes; kPadding more are allocated
  std::size_t begin = 0;     // first byte not yet handed out
  std::size_t end = 0;       // one past the last byte read
  std::size_t scanned = 0;   // [begin, scanned) holds no '\n'
  bool eof = false;

  explicit Buffer(std::size_t initial) { resize(initial); }

  void resize(std::size_t new_capacity) {
    std::unique_ptr<char[]> bigger(new char[new_capacity + kPadding]);
    // The first buffer has no data yet: memcpy from a null pointer is undefined even for 0 bytes.
    if (end > begin) std::memcpy(bigger.get(), data.get() + begin, end - begin);
    std::memset(bigger.get() + new_capacity, 0, kPadding);
    end -= begin;
    scanned -= begin;
    begin = 0;
    data = std::move(bigger);
    capacity = new_capacity;
  }

  // Moves the partial line at the end of the buffer to its front, to make room for a read.
  void compact() {
    if (begin == 0) return;
    std::memmove(data.get(), data.get() + begin, end - begin);
    end -= begin;
    scanned -= begin;
    begin = 0;
  }
};

LineReader::LineReader(int fd, std::size_t max_line_bytes)
    : fd_(fd),
      max_line_bytes_(max_line_bytes),
      buffer_(std::make_unique<Buffer>(std::min(kBlockBytes, max_line_bytes + 1))) {}

LineReader::~LineReader() = default;

bool LineReader::next(std::string_view &line) {
  Buffer &b = *buffer_;
  for (;;) {
    const char *base = b.data.get();
    const void *newline = std::memchr(base + b.scanned, '\n', b.end - b.scanned);
    std::size_t length;
    std::size_t consumed;
    if (newline != nullptr) {
      length = static_cast<std::size_t>(static_cast<const char *>(newline) - (base + b.begin));
      consumed = length + 1;
    } else if (b.eof) {
      if (b.begin == b.end) return false;
      length = b.end - b.begin;  // a last line without '\n'
      consumed = length;
    } else {
      b.scanned = b.end;
      if (b.end - b.begin > max_line_bytes_) {
        throw over_long_line(line_number_ + 1, max_line_bytes_);
      }
      b.compact();
      if (b.end == b.capacity) {
        b.resize(std::min(b.capacity * 2, max_line_bytes_ + 1));
      }
      ssize_t got;
      do {
        got = ::read(fd_, b.data.get() + b.end, b.capacity - b.end);
      } while (got < 0 && errno == EINTR);
      if (got < 0) {
        throw ProtocolError(line_number_ + 1,
                            std::string("cannot read the input: ") + std::strerror(errno));
      }
      if (got == 0) {
        b.eof = true;
      } else {
        b.end += static_cast<std::size_t>(got);
        bytes_read_ += static_cast<std::uint64_t>(got);
      }
      continue;
    }

    ++line_number_;
    if (length > max_line_bytes_) {
      throw over_long_line(line_number_, max_line_bytes_);
    }
    const char *start = base + b.begin;
    if (length > 0 && start[length - 1] == '\r') --length;
    line = std::string_view(start, length);
    b.begin += consumed;
    b.scanned = b.begin;
    return true;
  }
}

}  // namespace chorus::singer
