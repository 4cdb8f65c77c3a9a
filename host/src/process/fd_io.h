// Whole reads and writes on file descriptors, and the pipes between members.
#pragma once

#include <string>
#include <string_view>

namespace chorus::host {

// Reads everything from fd until EOF (retrying EINTR). Throws on a read error.
std::string read_all(int fd);

// Writes all of `text` to fd. Returns false on error (EPIPE and friends).
bool write_all(int fd, std::string_view text);

// pipe2(O_CLOEXEC); throws on failure. fds[0] reads, fds[1] writes.
void make_pipe(int fds[2]);

// Asks the kernel for a pipe buffer of `bytes` (capped by /proc/sys/fs/pipe-max-size). Best
// effort: a refusal keeps the default size, which only costs more context switches.
void widen_pipe(int fd, int bytes);

// close() that ignores -1 and sets the variable to -1.
void close_fd(int &fd);

}  // namespace chorus::host
