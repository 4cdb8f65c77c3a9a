#include "state/state_lock.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <ctime>
#include <nlohmann/json.hpp>
#include <system_error>

#include "log.h"

namespace chorus::host {
namespace fs = std::filesystem;
namespace {

// The whole file from its start, whatever the offset of fd.
std::string read_from_start(int fd) {
  std::string text;
  char buffer[4096];
  off_t offset = 0;
  while (true) {
    ssize_t n = ::pread(fd, buffer, sizeof buffer, offset);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
    offset += n;
  }
  return text;
}

[[noreturn]] void fail(const fs::path &lock_path, const std::string &what) {
  throw std::system_error(errno, std::generic_category(),
                          "state lock " + lock_path.string() + ": " + what);
}

}  // namespace

std::string StateLockHolder::describe() const {
  return purpose + " (pid " + std::to_string(pid) + " on host " + host + ", since " + since + ")";
}

StateLockHolder StateLockHolder::current(std::string purpose) {
  StateLockHolder holder;
  holder.purpose = std::move(purpose);
  holder.pid = static_cast<long>(::getpid());
  char name[HOST_NAME_MAX + 1] = {};
  holder.host = ::gethostname(name, sizeof name - 1) == 0 ? name : "unknown";
  std::time_t now = std::time(nullptr);
  std::tm parts{};
  ::gmtime_r(&now, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  holder.since = text;
  return holder;
}

nlohmann::json StateLockHolder::to_json() const {
  return {{"purpose", purpose}, {"pid", pid}, {"host", host}, {"since", since}};
}

StateLockHolder StateLockHolder::from_json(const nlohmann::json &record) {
  StateLockHolder holder;
  if (!record.is_object()) return holder;
  holder.purpose = record.value("purpose", std::string("chorus"));
  holder.pid = record.value("pid", 0L);
  holder.host = record.value("host", std::string("?"));
  holder.since = record.value("since", std::string("?"));
  return holder;
}

bool StateLockHolder::dead_on_this_host() const {
  if (pid <= 0 || host != current("").host) return false;
  return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

std::string state_in_use_message(const std::string &state, const StateLockHolder &holder,
                                 const std::string &where) {
  // An empty purpose: the holder has locked but not written its details yet.
  const std::string who =
      holder.purpose.empty() ? std::string("another chorus process") : holder.describe();
  return "state " + state + " is in use by " + who +
         "; only one run at a time may use a state: wait for it to end or stop it (" + where + ")";
}

fs::path FileStateLock::lock_path_for(const fs::path &state_path) {
  fs::path lock = state_path;
  lock += ".lock";
  return lock;
}

FileStateLock::FileStateLock(const fs::path &state_path, std::string purpose) {
  const fs::path lock_path = lock_path_for(state_path);
  if (lock_path.has_parent_path()) {
    std::error_code error;
    fs::create_directories(lock_path.parent_path(), error);
    if (error) {
      throw std::runtime_error("state lock " + lock_path.string() +
                               ": cannot create its folder: " + error.message());
    }
  }
  fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd_ < 0) fail(lock_path, "cannot open");
  int locked;
  do {
    locked = ::flock(fd_, LOCK_EX | LOCK_NB);
  } while (locked != 0 && errno == EINTR);
  if (locked != 0) {
    int saved = errno;
    StateLockHolder holder =
        StateLockHolder::from_json(nlohmann::json::parse(read_from_start(fd_), nullptr, false));
    ::close(fd_);
    fd_ = -1;
    if (saved != EWOULDBLOCK) {
      errno = saved;
      fail(lock_path, "cannot lock");
    }
    std::string message =
        state_in_use_message(state_path.string(), holder, "its lock is " + lock_path.string());
    throw StateLockedError(message, std::move(holder));
  }
  StateLockHolder left =
      StateLockHolder::from_json(nlohmann::json::parse(read_from_start(fd_), nullptr, false));
  if (!left.purpose.empty()) {
    log_warn("state " + state_path.string() + ": taking over the lock left by " + left.describe() +
             ", which ended without releasing it (killed or crashed); the " +
             "state it stored last is kept");
  }
  const std::string text = StateLockHolder::current(std::move(purpose)).to_json().dump() + "\n";
  if (::ftruncate(fd_, 0) != 0 ||
      ::pwrite(fd_, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
    int saved = errno;
    ::close(fd_);
    errno = saved;
    fail(lock_path, "cannot write the holder's details");
  }
}

FileStateLock::~FileStateLock() {
  if (fd_ < 0) return;
  // Empty means released cleanly; closing the last fd releases the flock.
  if (::ftruncate(fd_, 0) != 0) {
    log_warn(std::string("state lock: cannot empty the lock file on release: ") +
             std::strerror(errno));
  }
  ::close(fd_);
}

}  // namespace chorus::host
