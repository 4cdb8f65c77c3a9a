// Cuts bytes into lines at '\n', for every reader of a member's output or log: the pipe relay,
// the state follower, the stderr reader and the conformance suite. Header-only: templates, so
// that each reader's line handler is inlined in the loop.
#pragma once

#include <cstddef>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>

namespace chorus::host {

// A stream of bytes arriving in blocks. Lines inside one block are handed out in place (no
// copy); only a line that spans blocks is gathered.
class LineSplitter {
 public:
  // A line longer than max_line is dropped whole instead of being gathered, so that one endless
  // line cannot take all the memory.
  explicit LineSplitter(std::size_t max_line = std::numeric_limits<std::size_t>::max())
      : max_line_(max_line) {}

  // Calls on_line(std::string_view) for each line that `bytes` completes, without its '\n'.
  // If on_line throws, the rest of `bytes` is not looked at.
  template <class OnLine>
  void feed(std::string_view bytes, OnLine &&on_line) {
    const char *at = bytes.data();
    const char *end = at + bytes.size();
    if (!partial_.empty() || overlong_) {
      const char *newline = find_newline(at, end);
      if (newline == nullptr) {
        keep(at, end);
        return;
      }
      keep(at, newline);
      const bool complete = !overlong_;
      overlong_ = false;
      std::string line;
      line.swap(partial_);
      at = newline + 1;
      if (complete) on_line(std::string_view(line));
    }
    for (const char *newline = find_newline(at, end); newline != nullptr;
         newline = find_newline(at, end)) {
      const std::string_view line(at, static_cast<std::size_t>(newline - at));
      at = newline + 1;  // past the line before handing it out: a line that throws is not redone
      on_line(line);
    }
    keep(at, end);
  }

  // End of input: hands out a last line that has no '\n', if any.
  template <class OnLine>
  void finish(OnLine &&on_line) {
    std::string line;
    line.swap(partial_);
    const bool complete = !overlong_;
    overlong_ = false;
    if (complete && !line.empty()) on_line(std::string_view(line));
  }

 private:
  static const char *find_newline(const char *at, const char *end) {
    if (at == end) return nullptr;  // an empty view may have no data pointer for memchr
    return static_cast<const char *>(std::memchr(at, '\n', static_cast<std::size_t>(end - at)));
  }

  void keep(const char *from, const char *to) {
    if (overlong_) return;
    const auto size = static_cast<std::size_t>(to - from);
    if (partial_.size() + size > max_line_) {
      overlong_ = true;
      partial_.clear();
      return;
    }
    partial_.append(from, size);
  }

  std::size_t max_line_;
  std::string partial_;
  bool overlong_ = false;
};

// Calls on_piece(std::string_view) for each piece of a whole text between '\n's, the last piece
// included even when it is empty.
template <class OnPiece>
void for_each_piece(std::string_view text, OnPiece &&on_piece) {
  std::size_t start = 0;
  while (true) {
    const std::size_t newline = text.find('\n', start);
    if (newline == std::string_view::npos) {
      on_piece(text.substr(start));
      return;
    }
    on_piece(text.substr(start, newline - start));
    start = newline + 1;
  }
}

}  // namespace chorus::host
