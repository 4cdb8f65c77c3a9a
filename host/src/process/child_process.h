// Child processes: external Singer executables (fork + exec) and isolated plugins (fork only,
// after the plugin library is loaded).
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
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

  // Runs argv[0] (a path) with argv; `inherit_fds` stay open in the program (a config passed as
  // /dev/fd/N). The program runs under a small guardian process (the pid returned), which ends
  // with the program's status and forwards the signals the host sends. The program leads its
  // own process group, so a terminal's Ctrl-C reaches the host only, which decides what to
  // forward. Nothing outlives the host: when it dies, even by SIGKILL, the guardian kills the
  // program's whole group. That parent-death signal fires when the *thread* that called spawn
  // ends, so call it from a thread that outlives the child (the host spawns from its main
  // thread). Throws std::runtime_error when the program cannot be executed (the exec error
  // travels back through a close-on-exec pipe).
  static ChildProcess spawn(const std::vector<std::string> &argv, const ChildStdio &stdio,
                            const std::vector<int> &inherit_fds = {});

  // Forks and runs `body` in the child, which then exits with its return value. Before `body`,
  // stderr is redirected to stdio.err_fd (when set) and every fd but 0, 1, 2 and `keep_fds` is
  // closed, so the child holds no stray pipe end that would keep a reader from seeing EOF. The
  // child gets SIGKILL when the host dies (the same thread caveat as spawn()).
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

}  // namespace chorus::host
