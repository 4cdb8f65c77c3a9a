#include "test_host.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>
#include <stdexcept>

namespace chorus::test {
namespace {

TestHost *self_of(const chorus_host_v1 *host) { return static_cast<TestHost *>(host->host_data); }

}  // namespace

TestHost::TestHost() {
  host_.struct_size = sizeof(chorus_host_v1);
  host_.abi_major = CHORUS_ABI_MAJOR;
  host_.abi_minor = CHORUS_ABI_MINOR;
  host_.host_data = this;
  host_.set_error = [](const chorus_host_v1 *host, chorus_status code, const char *message) {
    TestHost *self = self_of(host);
    self->last_code = code;
    self->last_error = message;
    ++self->error_calls;
  };
  host_.log = [](const chorus_host_v1 *host, chorus_log_level, const char *message) {
    self_of(host)->logs.emplace_back(message);
  };
  host_.stop_requested = [](const chorus_host_v1 *host) -> int32_t {
    return self_of(host)->stop ? 1 : 0;
  };
}

std::vector<nlohmann::json> TestHost::metrics() const {
  std::vector<nlohmann::json> out;
  const std::string prefix = "METRIC: ";
  for (const auto &line : logs) {
    if (line.compare(0, prefix.size(), prefix) == 0) {
      out.push_back(nlohmann::json::parse(line.substr(prefix.size())));
    }
  }
  return out;
}

TempFile::TempFile(const std::string &content) {
  const char *dir = std::getenv("TMPDIR");
  std::string pattern = std::string(dir != nullptr ? dir : "/tmp") + "/chorus-sdk-plugin-XXXXXX";
  fd_ = ::mkstemp(pattern.data());
  if (fd_ < 0) throw std::runtime_error("cannot create a temporary file");
  path_ = pattern;
  if (!content.empty() &&
      ::write(fd_, content.data(), content.size()) != static_cast<ssize_t>(content.size())) {
    throw std::runtime_error("cannot write the temporary file");
  }
  ::lseek(fd_, 0, SEEK_SET);
}

TempFile::~TempFile() {
  ::close(fd_);
  ::unlink(path_.c_str());
}

std::string TempFile::read_all() const { return read_file(path_); }

std::string read_file(const std::string &path) {
  std::string out;
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return out;
  char buffer[65536];
  ssize_t n;
  while ((n = ::read(fd, buffer, sizeof buffer)) > 0) out.append(buffer, static_cast<size_t>(n));
  ::close(fd);
  return out;
}

std::vector<nlohmann::json> json_lines(const std::string &text) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.push_back(nlohmann::json::parse(line));
  }
  return out;
}

std::vector<nlohmann::json> messages_of(const std::vector<nlohmann::json> &messages,
                                        const std::string &type) {
  std::vector<nlohmann::json> out;
  for (const auto &message : messages) {
    if (message.value("type", "") == type) out.push_back(message);
  }
  return out;
}

}  // namespace chorus::test
