#include "state/file_state_store.h"

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

std::optional<nlohmann::json> FileStateStore::read() {
  std::ifstream in(path_);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  return parse_stored_state(text.str(), path_.string());
}

void FileStateStore::write(const nlohmann::json &state) {
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

bool FileStateStore::clear() {
  std::error_code error;
  bool removed = fs::remove(path_, error);
  if (error) {
    throw std::runtime_error("state file " + path_.string() +
                             ": cannot remove: " + error.message());
  }
  return removed;
}

std::unique_ptr<StateLock> FileStateStore::lock(const std::string &purpose) {
  return std::make_unique<FileStateLock>(path_, purpose);
}

}  // namespace chorus::host
