// Buffered reader of newline-delimited messages from a file descriptor.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

namespace chorus::singer {

// Reads lines from an fd in large blocks without copying them one by one. Each line handed out
// is followed in memory by at least kPadding readable bytes, so simdjson can parse it in place.
// A line longer than max_line_bytes is an error (ProtocolError), not a silent truncation.
class LineReader {
 public:
  static constexpr std::size_t kPadding = 64;
  static constexpr std::size_t kDefaultMaxLine = std::size_t{64} << 20;  // 64 MiB

  explicit LineReader(int fd, std::size_t max_line_bytes = kDefaultMaxLine);
  ~LineReader();
  LineReader(const LineReader &) = delete;
  LineReader &operator=(const LineReader &) = delete;

  // Sets `line` to the next line without its '\n' (and without a trailing '\r'). Returns false
  // at end of input. A last line without '\n' is still returned. The view stays valid until the
  // next call. Throws ProtocolError on a read error or an over-long line.
  bool next(std::string_view &line);

  // 1-based number of the line last returned by next(); 0 before the first.
  std::uint64_t line_number() const { return line_number_; }

  // Bytes consumed so far, for throughput figures.
  std::uint64_t bytes_read() const { return bytes_read_; }

 private:
  struct Buffer;
  int fd_;
  std::size_t max_line_bytes_;
  std::unique_ptr<Buffer> buffer_;
  std::uint64_t line_number_ = 0;
  std::uint64_t bytes_read_ = 0;
};

}  // namespace chorus::singer
