#include "members/isolated_member.h"

#include <unistd.h>

#include <csignal>
#include <nlohmann/json.hpp>

#include "plugins/plugin_instance.h"
#include "process/fd_io.h"

namespace chorus::host {
namespace {

// Exit codes of an isolated child: 0, or the chorus_status of the failed call; the message is on
// the error pipe. 70 (EX_SOFTWARE) when something outside the plugin failed.
constexpr std::size_t kMaxErrorMessage = std::size_t{16} * 1024;

void report_error(int error_fd, const std::string &message) {
  write_all(error_fd, message.substr(0, kMaxErrorMessage));
}

std::string crash_message(const std::string &name, const ExitStatus &status,
                          const std::string &reported, const std::string &last_problem) {
  if (!reported.empty()) return reported;
  std::string text = "plugin '" + name + "' " + status.describe();
  if (status.signal == 0) text += " without a message (plugin bug: failed without a message)";
  if (!last_problem.empty()) text += "; its last problem logged: " + last_problem;
  return text;
}

}  // namespace

IsolatedMember::IsolatedMember(MemberRole role, std::shared_ptr<PluginLibrary> library,
                               nlohmann::json config, TapInputs tap_inputs,
                               MetricsCollector *metrics)
    : Member(library->name(), role),
      library_(std::move(library)),
      config_(std::move(config)),
      tap_inputs_(std::move(tap_inputs)),
      log_(library_->name(), metrics) {}

IsolatedMember::~IsolatedMember() {
  if (supervisor_.joinable()) supervisor_.join();
  close_fd(stderr_fd_);
  close_fd(error_fd_);
}

void IsolatedMember::launch(int in_fd, int out_fd) {
  int stderr_pipe[2];
  int error_pipe[2];
  make_pipe(stderr_pipe);
  make_pipe(error_pipe);
  const int error_write = error_pipe[1];
  auto body = [&, error_write]() -> int {
    try {
      PluginInstance instance(library_, config_, child_stderr_log());
      instance.run(in_fd, out_fd, role() == MemberRole::Tap ? tap_inputs_ : TapInputs{});
      return 0;
    } catch (const PluginError &e) {
      report_error(error_write, e.what());
      return e.status() > 0 && e.status() < 70 ? e.status() : 2;
    } catch (const std::exception &e) {
      report_error(error_write, "plugin '" + name() + "' failed: " + e.what());
      return 70;
    }
  };
  std::vector<int> keep{error_write};
  if (in_fd >= 0) keep.push_back(in_fd);
  if (out_fd >= 0) keep.push_back(out_fd);
  ChildStdio stdio;
  stdio.err_fd = stderr_pipe[1];
  try {
    child_ = ChildProcess::fork_run(body, stdio, keep);
  } catch (...) {
    for (int fd : {stderr_pipe[0], stderr_pipe[1], error_pipe[0], error_pipe[1], in_fd, out_fd}) {
      if (fd >= 0) ::close(fd);
    }
    throw;
  }
  ::close(stderr_pipe[1]);
  ::close(error_pipe[1]);
  if (in_fd >= 0) ::close(in_fd);
  if (out_fd >= 0) ::close(out_fd);
  stderr_fd_ = stderr_pipe[0];
  error_fd_ = error_pipe[0];
}

void IsolatedMember::start_threads() {
  stderr_reader_.start(stderr_fd_, &log_);
  stderr_fd_ = -1;
  supervisor_ = std::thread([this] {
    std::string reported;
    try {
      reported = read_all(error_fd_);
    } catch (...) {
    }
    close_fd(error_fd_);
    ExitStatus status = child_.wait();
    if (!status.ok()) mark_finished(false);
    stderr_reader_.join();
    if (!status.ok()) {
      outcome_ = {false, crash_message(name(), status, reported, log_.last_problem())};
    }
    mark_finished(outcome_.ok);
  });
}

MemberOutcome IsolatedMember::wait() {
  if (supervisor_.joinable()) supervisor_.join();
  return outcome_;
}

void IsolatedMember::interrupt() {
  // The child inherited the host's SIGTERM handler, which only sets its stop flag, and the tap
  // is the only member that acts on it. A target or mapper is not signalled: it drains its input
  // and echoes its state, and a signal would only cut a blocking read short with EINTR, which a
  // plugin may rightly treat as a failed read.
  if (role() == MemberRole::Tap) child_.send_signal(SIGTERM);
}

std::string run_isolated_capture(const std::shared_ptr<PluginLibrary> &library,
                                 const nlohmann::json &config, MetricsCollector *metrics) {
  MemberLog log(library->name(), metrics);
  int out_pipe[2];
  int stderr_pipe[2];
  int error_pipe[2];
  make_pipe(out_pipe);
  make_pipe(stderr_pipe);
  make_pipe(error_pipe);
  const int out_write = out_pipe[1];
  const int error_write = error_pipe[1];
  ChildStdio stdio;
  stdio.err_fd = stderr_pipe[1];
  ChildProcess child = ChildProcess::fork_run(
      [&]() -> int {
        try {
          PluginInstance instance(library, config, child_stderr_log());
          instance.discover(out_write);
          return 0;
        } catch (const PluginError &e) {
          report_error(error_write, e.what());
          return 2;
        } catch (const std::exception &e) {
          report_error(error_write, e.what());
          return 70;
        }
      },
      stdio, {out_write, error_write});
  ::close(out_pipe[1]);
  ::close(stderr_pipe[1]);
  ::close(error_pipe[1]);
  StderrReader reader;
  reader.start(stderr_pipe[0], &log);
  std::string output = read_all(out_pipe[0]);
  ::close(out_pipe[0]);
  std::string reported = read_all(error_pipe[0]);
  ::close(error_pipe[0]);
  ExitStatus status = child.wait();
  reader.join();
  if (!status.ok()) {
    throw PluginError(library->name(), CHORUS_ERR_FATAL,
                      crash_message(library->name(), status, reported, log.last_problem()));
  }
  return output;
}

}  // namespace chorus::host
