#include "process/temp_files.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <stdexcept>
#include <system_error>

#include "process/fd_io.h"

namespace chorus::host {
namespace fs = std::filesystem;

MemoryFiles::~MemoryFiles() { close_all(); }

std::string MemoryFiles::add(const std::string &name, const std::string &content) {
  int fd = ::memfd_create(("chorus-" + name).c_str(), MFD_CLOEXEC);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "memfd_create");
  if (!write_all(fd, content)) {
    ::close(fd);
    throw std::runtime_error("cannot write the " + name + " memory file");
  }
  ::lseek(fd, 0, SEEK_SET);
  fds_.push_back(fd);
  return "/dev/fd/" + std::to_string(fd);
}

void MemoryFiles::close_all() {
  for (int fd : fds_) ::close(fd);
  fds_.clear();
}

fs::path temp_base() {
  const char *base = std::getenv("TMPDIR");
  return base && *base ? fs::path(base) : fs::path("/tmp");
}

std::size_t sweep_stale_temp_dirs(const fs::path &base) {
  std::size_t removed = 0;
  std::error_code error;
  for (const auto &entry : fs::directory_iterator(base, error)) {
    const std::string name = entry.path().filename().string();
    // chorus-PID-XXXXXX: the pid, then mkdtemp's six characters.
    if (name.rfind("chorus-", 0) != 0) continue;
    const std::size_t dash = name.find('-', 7);
    if (dash == std::string::npos || dash == 7 || name.size() != dash + 7) continue;
    const std::string pid_text = name.substr(7, dash - 7);
    if (pid_text.find_first_not_of("0123456789") != std::string::npos) continue;
    struct stat info {};
    if (::lstat(entry.path().c_str(), &info) != 0 || !S_ISDIR(info.st_mode) ||
        info.st_uid != ::geteuid()) {
      continue;
    }
    const pid_t owner = static_cast<pid_t>(std::stol(pid_text));
    if (owner <= 0 || ::kill(owner, 0) == 0 || errno != ESRCH) continue;
    std::error_code remove_error;
    if (fs::remove_all(entry.path(), remove_error) > 0 && !remove_error) ++removed;
  }
  return removed;
}

TempDir::TempDir() : owner_(::getpid()) {
  // Once per process: the folders of earlier runs that were killed before their clean-up.
  static const std::size_t swept = sweep_stale_temp_dirs(temp_base());
  (void)swept;
  std::string pattern = (temp_base() / ("chorus-" + std::to_string(owner_) + "-XXXXXX")).string();
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

}  // namespace chorus::host
