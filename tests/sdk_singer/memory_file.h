// An in-memory file (memfd) holding given bytes, for feeding readers and catching writers.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <stdexcept>
#include <string>
#include <string_view>

namespace chorus::singer::testing {

class MemoryFile {
 public:
  explicit MemoryFile(std::string_view content = {}) : fd_(::memfd_create("singer", 0)) {
    if (fd_ < 0) throw std::runtime_error("memfd_create failed");
    std::size_t done = 0;
    while (done < content.size()) {
      const ssize_t n = ::write(fd_, content.data() + done, content.size() - done);
      if (n <= 0) throw std::runtime_error("writing the memory file failed");
      done += static_cast<std::size_t>(n);
    }
    rewind();
  }
  ~MemoryFile() { ::close(fd_); }
  MemoryFile(const MemoryFile &) = delete;
  MemoryFile &operator=(const MemoryFile &) = delete;

  int fd() const { return fd_; }
  void rewind() const { ::lseek(fd_, 0, SEEK_SET); }

  // Everything in the file, from the start; leaves the offset at the start.
  std::string contents() const {
    rewind();
    std::string out;
    char block[65536];
    ssize_t n;
    while ((n = ::read(fd_, block, sizeof block)) > 0)
      out.append(block, static_cast<std::size_t>(n));
    rewind();
    return out;
  }

 private:
  int fd_;
};

}  // namespace chorus::singer::testing
