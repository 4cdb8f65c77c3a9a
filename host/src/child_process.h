// Child processes: external Singer executables (fork + exec) and isolated plugins (fork only,
// after the plugin library is loaded).
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace chorus::host {

struct ExitStatus {
  int code = 0;    // exit status when the child exited
  int signal = 0;  // the signal that ended it, or 0
  bool ok() const { return code == 0 && signal == 0; }
  // "exited with status 3", "crashed with signal 11 (Segmentation fault)"
  std::string describe() const;
};

ExitStatus decode_wait_status(int status);

// The fds a child gets as its stdin, stdout and stderr. -1 for stdin means /dev/null; -1 for
// stdout or stderr means the host's own.
struct ChildStdio {
  int in_fd = -1;
  int out_fd = -1;
  int err_fd = -1;
};

class ChildProcess {
 public:
  ChildProcess() = default;

  // Runs argv[0] (a path) with argv. The child gets its own process group, so a Ctrl-C reaches
  // the host only, which decides what to forward. Throws std::runtime_error when the program
  // cannot be executed (the exec error travels back through a close-on-exec pipe).
  static ChildProcess spawn(const std::vector<std::string> &argv, const ChildStdio &stdio);

  // Forks and runs `body` in the child, which then exits with its return value. Before `body`,
  // stderr is redirected to stdio.err_fd (when set) and every fd but 0, 1, 2 and `keep_fds` is
  // closed, so the child holds no stray pipe end that would keep a reader from seeing EOF.
  static ChildProcess fork_run(const std::function<int()> &body, const ChildStdio &stdio,
                               const std::vector<int> &keep_fds);

  pid_t pid() const { return pid_; }
  bool started() const { return pid_ > 0; }
  // Waits for the child (once; later calls return the same status).
  ExitStatus wait();
  void send_signal(int signal_number) const;

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  pid_t pid_ = -1;
  std::optional<ExitStatus> status_;
};

// The path of an executable: `name` itself when it contains '/', else the first match on PATH.
std::optional<std::filesystem::path> find_executable(const std::string &name);

// A private temporary folder (mode 0700) for config, state and catalog files handed to external
// executables; removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;
  // Writes `content` to a new file (mode 0600) and returns its path.
  std::filesystem::path write_file(const std::string &name, const std::string &content) const;
  const std::filesystem::path &path() const { return path_; }

 private:
  std::filesystem::path path_;
  pid_t owner_ = -1;  // a forked child must not remove its parent's folder
};

// Reads everything from fd until EOF (retrying EINTR). Throws on a read error.
std::string read_all(int fd);

// Writes all of `text` to fd. Returns false on error (EPIPE and friends).
bool write_all(int fd, const std::string &text);

// pipe2(O_CLOEXEC); throws on failure. fds[0] reads, fds[1] writes.
void make_pipe(int fds[2]);

// Asks the kernel for a pipe buffer of `bytes` (capped by /proc/sys/fs/pipe-max-size). Best
// effort: a refusal keeps the default size, which only costs more context switches.
void widen_pipe(int fd, int bytes);

// close() that ignores -1 and sets the variable to -1.
void close_fd(int &fd);

}  // namespace chorus::host
