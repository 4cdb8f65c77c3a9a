#include "conformance/sandbox.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <system_error>

#include "members/member_log.h"
#include "plugins/plugin_instance.h"
#include "process/fd_io.h"

namespace chorus::host::conformance {
namespace {

int memory_file(const char *name) {
  int fd = ::memfd_create(name, MFD_CLOEXEC);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "memfd_create");
  return fd;
}

std::string contents(int fd) {
  ::lseek(fd, 0, SEEK_SET);
  std::string text = read_all(fd);
  ::close(fd);
  return text;
}

}  // namespace

std::string SandboxRun::failure() const {
  if (!error.empty()) return error;
  return status.describe();
}

SandboxRun run_in_sandbox(const std::shared_ptr<PluginLibrary> &library,
                          const nlohmann::json &config, const SandboxCall &call,
                          const std::filesystem::path &workdir) {
  const int out_fd = memory_file("chorus-test-out");
  const int log_fd = memory_file("chorus-test-log");
  const int error_fd = memory_file("chorus-test-error");
  int in_fd = -1;
  if (call.input_file) {
    in_fd = ::open(call.input_file->c_str(), O_RDONLY | O_CLOEXEC);
    if (in_fd < 0) {
      throw std::system_error(errno, std::generic_category(), "cannot open " + *call.input_file);
    }
  }
  ChildStdio stdio;
  stdio.err_fd = log_fd;
  std::vector<int> keep{out_fd, error_fd};
  if (in_fd >= 0) keep.push_back(in_fd);
  ChildProcess child = ChildProcess::fork_run(
      [&]() -> int {
        if (::chdir(workdir.c_str()) != 0) return 71;
        try {
          PluginInstance instance(library, config, child_stderr_log());
          if (call.kind == SandboxCall::Kind::Discover) {
            instance.discover(out_fd);
            return 0;
          }
          instance.run(in_fd, out_fd, call.tap_inputs);
          return 0;
        } catch (const std::exception &e) {
          write_all(error_fd, e.what());
          return 2;
        }
      },
      stdio, keep);
  if (in_fd >= 0) ::close(in_fd);
  SandboxRun result;
  result.status = child.wait();
  result.output = contents(out_fd);
  result.log = contents(log_fd);
  result.error = contents(error_fd);
  return result;
}

}  // namespace chorus::host::conformance
