#include "child_process.h"

#include <dirent.h>
#include <fcntl.h>
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

ChildProcess ChildProcess::spawn(const std::vector<std::string> &argv, const ChildStdio &stdio) {
  if (argv.empty()) throw std::runtime_error("no program to run");
  std::vector<char *> args;
  for (const auto &arg : argv) args.push_back(const_cast<char *>(arg.c_str()));
  args.push_back(nullptr);
  int report[2];
  make_pipe(report);
  pid_t pid = ::fork();
  if (pid < 0) {
    int saved = errno;
    ::close(report[0]);
    ::close(report[1]);
    throw std::system_error(saved, std::generic_category(), "cannot fork for " + argv[0]);
  }
  if (pid == 0) {
    // Only async-signal-safe calls from here to exec: the parent may have other threads.
    ::setpgid(0, 0);
    redirect_stdin(stdio.in_fd);
    redirect(stdio.out_fd, 1);
    redirect(stdio.err_fd, 2);
    ::signal(SIGPIPE, SIG_DFL);
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    ::execv(args[0], args.data());
    int error = errno;
    ssize_t ignored = ::write(report[1], &error, sizeof error);
    (void)ignored;
    ::_exit(127);
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
  pid_t pid = ::fork();
  if (pid < 0) throw std::system_error(errno, std::generic_category(), "cannot fork");
  if (pid == 0) {
    ::setpgid(0, 0);
    redirect(stdio.err_fd, 2);
    std::vector<int> keep = keep_fds;
    close_other_fds(keep);
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

TempDir::TempDir() : owner_(::getpid()) {
  const char *base = std::getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/chorus-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::system_error(errno, std::generic_category(), "cannot create a temporary folder");
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  if (::getpid() != owner_) return;
  std::error_code error;
  fs::remove_all(path_, error);
}

fs::path TempDir::write_file(const std::string &name, const std::string &content) const {
  fs::path file = path_ / name;
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw std::system_error(errno, std::generic_category(), "cannot create " + file.string());
  }
  bool ok = write_all(fd, content);
  ::close(fd);
  if (!ok) throw std::runtime_error("cannot write " + file.string());
  return file;
}

std::string read_all(int fd) {
  std::string out;
  char buffer[65536];
  while (true) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::system_error(errno, std::generic_category(), "read");
    if (n == 0) break;
    out.append(buffer, static_cast<std::size_t>(n));
  }
  return out;
}

bool write_all(int fd, const std::string &text) {
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

void make_pipe(int fds[2]) {
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    throw std::system_error(errno, std::generic_category(), "cannot create a pipe");
  }
}

void widen_pipe(int fd, int bytes) {
  // A refusal (EPERM past pipe-max-size, EBUSY) leaves the pipe as it was, which still works.
  (void)::fcntl(fd, F_SETPIPE_SZ, bytes);
}

void close_fd(int &fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

}  // namespace chorus::host
