#include "process/child_process.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include "process/fd_io.h"

namespace chorus::host {
namespace fs = std::filesystem;
namespace {

void redirect(int from, int to) {
  if (from >= 0 && from != to) ::dup2(from, to);
}

void redirect_stdin(int from) {
  if (from >= 0) {
    redirect(from, 0);
    return;
  }
  int null_fd = ::open("/dev/null", O_RDONLY);
  if (null_fd >= 0) {
    ::dup2(null_fd, 0);
    ::close(null_fd);
  }
}

void close_other_fds(const std::vector<int> &keep) {
  std::vector<int> open_fds;
  if (DIR *dir = ::opendir("/proc/self/fd")) {
    const int own = ::dirfd(dir);
    while (dirent *entry = ::readdir(dir)) {
      if (entry->d_name[0] == '.') continue;
      int fd = std::atoi(entry->d_name);
      if (fd > 2 && fd != own) open_fds.push_back(fd);
    }
    ::closedir(dir);
  }
  for (int fd : open_fds) {
    if (std::find(keep.begin(), keep.end(), fd) == keep.end()) ::close(fd);
  }
}

// The child of a host that is killed gets SIGKILL from the kernel. The signal fires when the
// *thread* that forked ends, which is why the host forks from its main thread only. A parent
// that died before prctl took effect is seen by getppid().
void die_with_parent(pid_t parent) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(137);
}

// Ends with the same status as the program it waited for: the exit code, or the same signal.
[[noreturn]] void exit_like(int status) {
  if (WIFEXITED(status)) ::_exit(WEXITSTATUS(status));
  const int signal_number = WTERMSIG(status);
  rlimit no_core{0, 0};
  ::setrlimit(RLIMIT_CORE, &no_core);
  struct sigaction fallback {};
  fallback.sa_handler = SIG_DFL;
  ::sigaction(signal_number, &fallback, nullptr);
  sigset_t only;
  ::sigemptyset(&only);
  ::sigaddset(&only, signal_number);
  ::sigprocmask(SIG_UNBLOCK, &only, nullptr);
  ::raise(signal_number);
  ::_exit(128 + signal_number);
}

// The forked child of spawn(): it runs the program (exec_program, which never returns) in a
// grandchild that leads its own process group, and stays as its guardian. When the host dies,
// the guardian gets SIGHUP (its parent-death signal) and kills the program's whole group, so
// nothing the program started outlives the run; when the program ends, whatever it left in its
// group is ended too (a leftover holding a pipe open would keep a reader from seeing EOF).
// Signals the host sends are forwarded to the group; a terminal's Ctrl-C is left to the host.
// Async-signal-safe calls only: the host has threads, and this is a copy of it.
template <typename ExecProgram>
[[noreturn]] void run_guardian(pid_t host, const ExecProgram &exec_program) {
  sigset_t all;
  sigset_t previous;
  ::sigfillset(&all);
  ::sigprocmask(SIG_BLOCK, &all, &previous);
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  for (int signal_number : {SIGCHLD, SIGPIPE, SIGINT, SIGTERM, SIGHUP}) {
    ::sigaction(signal_number, &default_action, nullptr);
  }
  ::prctl(PR_SET_PDEATHSIG, SIGHUP);
  if (::getppid() != host) ::_exit(137);
  const pid_t guardian = ::getpid();
  const pid_t program = ::fork();
  if (program < 0) ::_exit(127);
  if (program == 0) {
    ::setpgid(0, 0);
    die_with_parent(guardian);
    ::sigprocmask(SIG_SETMASK, &previous, nullptr);
    exec_program();
  }
  ::setpgid(program, program);
  // The guardian holds no pipe end: a reader downstream must see EOF when the program exits.
  if (::close_range(3, ~0U, 0) != 0) {
    for (int fd = 3; fd < 65536; ++fd) ::close(fd);
  }
  int null_fd = ::open("/dev/null", O_RDWR);
  for (int fd = 0; fd <= 2; ++fd) ::dup2(null_fd, fd);
  if (null_fd > 2) ::close(null_fd);
  while (true) {
    siginfo_t info{};
    const int signal_number = ::sigwaitinfo(&all, &info);
    if (signal_number < 0) continue;
    if (signal_number == SIGCHLD) {
      int status = 0;
      if (::waitpid(program, &status, WNOHANG) == program) {
        ::kill(-program, SIGKILL);
        exit_like(status);
      }
    } else if (signal_number == SIGHUP && ::getppid() != host) {
      ::kill(-program, SIGKILL);  // the host is gone: this is the parent-death signal
    } else if (info.si_pid == host) {
      ::kill(-program, signal_number);
    }
  }
}

}  // namespace

std::string ExitStatus::describe() const {
  if (signal != 0) {
    const char *name = ::strsignal(signal);
    return "crashed with signal " + std::to_string(signal) +
           (name ? " (" + std::string(name) + ")" : "");
  }
  return "exited with status " + std::to_string(code);
}

ExitStatus decode_wait_status(int status) {
  ExitStatus result;
  if (WIFEXITED(status)) result.code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

ChildProcess ChildProcess::spawn(const std::vector<std::string> &argv, const ChildStdio &stdio,
                                 const std::vector<int> &inherit_fds) {
  if (argv.empty()) throw std::runtime_error("no program to run");
  std::vector<char *> args;
  args.reserve(argv.size() + 1);
  for (const auto &arg : argv) args.push_back(const_cast<char *>(arg.c_str()));
  args.push_back(nullptr);
  int report[2];
  make_pipe(report);
  const pid_t host = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) {
    int saved = errno;
    ::close(report[0]);
    ::close(report[1]);
    throw std::system_error(saved, std::generic_category(), "cannot fork for " + argv[0]);
  }
  if (pid == 0) {
    // Only async-signal-safe calls from here to exec: the parent may have other threads.
    run_guardian(host, [&] {
      redirect_stdin(stdio.in_fd);
      redirect(stdio.out_fd, 1);
      redirect(stdio.err_fd, 2);
      for (int fd : inherit_fds) ::fcntl(fd, F_SETFD, 0);
      ::execv(args[0], args.data());
      int error = errno;
      ssize_t ignored = ::write(report[1], &error, sizeof error);
      (void)ignored;
      ::_exit(127);
    });
  }
  ::close(report[1]);
  int child_errno = 0;
  ssize_t n;
  do {
    n = ::read(report[0], &child_errno, sizeof child_errno);
  } while (n < 0 && errno == EINTR);
  ::close(report[0]);
  ChildProcess child(pid);
  if (n == static_cast<ssize_t>(sizeof child_errno)) {
    child.wait();
    throw std::runtime_error("cannot run " + argv[0] + ": " + std::strerror(child_errno));
  }
  return child;
}

ChildProcess ChildProcess::fork_run(const std::function<int()> &body, const ChildStdio &stdio,
                                    const std::vector<int> &keep_fds) {
  const pid_t host = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) throw std::system_error(errno, std::generic_category(), "cannot fork");
  if (pid == 0) {
    ::setpgid(0, 0);
    die_with_parent(host);
    redirect(stdio.err_fd, 2);
    close_other_fds(keep_fds);
    int code = 70;
    try {
      code = body();
    } catch (...) {
      code = 70;
    }
    ::_exit(code);
  }
  return ChildProcess(pid);
}

ExitStatus ChildProcess::wait() {
  if (status_) return *status_;
  int status = 0;
  pid_t result;
  do {
    result = ::waitpid(pid_, &status, 0);
  } while (result < 0 && errno == EINTR);
  status_ = result < 0 ? ExitStatus{127, 0} : decode_wait_status(status);
  return *status_;
}

void ChildProcess::send_signal(int signal_number) const {
  if (pid_ > 0 && !status_) ::kill(pid_, signal_number);
}

std::optional<fs::path> find_executable(const std::string &name) {
  auto runnable = [](const fs::path &path) {
    std::error_code error;
    return fs::is_regular_file(path, error) && ::access(path.c_str(), X_OK) == 0;
  };
  if (name.find('/') != std::string::npos) {
    if (runnable(name)) return fs::absolute(name);
    return std::nullopt;
  }
  const char *path_env = std::getenv("PATH");
  std::string_view list = path_env ? path_env : "/usr/local/bin:/usr/bin:/bin";
  while (true) {
    auto colon = list.find(':');
    std::string folder(list.substr(0, colon));
    if (folder.empty()) folder = ".";
    fs::path candidate = fs::path(folder) / name;
    if (runnable(candidate)) return fs::absolute(candidate);
    if (colon == std::string_view::npos) break;
    list.remove_prefix(colon + 1);
  }
  return std::nullopt;
}

}  // namespace chorus::host
