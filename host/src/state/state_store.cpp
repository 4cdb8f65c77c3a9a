#include "state/state_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "process/fd_io.h"

namespace chorus::host {
namespace fs = std::filesystem;
namespace {

[[noreturn]] void fail(const std::string &what, const fs::path &path) {
  throw std::system_error(errno, std::generic_category(),
                          "state file " + path.string() + ": " + what);
}

}  // namespace

nlohmann::json merge_state(const nlohmann::json &previous, const nlohmann::json &update) {
  if (!previous.is_object() || !update.is_object()) return update;
  nlohmann::json merged = previous;
  for (const auto &[key, value] : update.items()) {
    auto existing = merged.find(key);
    merged[key] = existing == merged.end() ? value : merge_state(*existing, value);
  }
  return merged;
}

std::optional<nlohmann::json> StateStore::read() const {
  std::ifstream in(path_);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  if (text.str().find_first_not_of(" \t\r\n") == std::string::npos) return std::nullopt;
  try {
    return nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::exception &e) {
    throw std::runtime_error("state file " + path_.string() + " is not valid JSON (" + e.what() +
                             "); fix it or remove it with `chorus state clear`");
  }
}

void StateStore::write(const nlohmann::json &state) const {
  const fs::path folder = path_.has_parent_path() ? path_.parent_path() : fs::path(".");
  std::error_code error;
  fs::create_directories(folder, error);
  if (error) {
    throw std::runtime_error("state file " + path_.string() +
                             ": cannot create its folder: " + error.message());
  }
  std::string temp = (folder / ("." + path_.filename().string() + ".XXXXXX")).string();
  int fd = ::mkstemp(temp.data());
  if (fd < 0) fail("cannot create a temporary file next to it", path_);
  try {
    if (::fchmod(fd, 0600) != 0) fail("cannot set mode 0600", path_);
    if (!write_all(fd, state.dump(2) + "\n")) fail("cannot write", path_);
    if (::fsync(fd) != 0) fail("cannot fsync", path_);
  } catch (...) {
    ::close(fd);
    ::unlink(temp.c_str());
    throw;
  }
  ::close(fd);
  if (::rename(temp.c_str(), path_.c_str()) != 0) {
    int saved = errno;
    ::unlink(temp.c_str());
    errno = saved;
    fail("cannot rename the new state into place", path_);
  }
  // The rename is durable only once the folder entry is on disk.
  int dir_fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
}

bool StateStore::clear() const {
  std::error_code error;
  bool removed = fs::remove(path_, error);
  if (error) {
    throw std::runtime_error("state file " + path_.string() +
                             ": cannot remove: " + error.message());
  }
  return removed;
}

std::unique_ptr<StateLock> StateStore::lock(const std::string &purpose) const {
  return std::make_unique<FileStateLock>(path_, purpose);
}

}  // namespace chorus::host
