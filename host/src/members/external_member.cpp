#include "members/external_member.h"

#include <unistd.h>

#include <csignal>
#include <nlohmann/json.hpp>

#include "process/fd_io.h"

namespace chorus::host {

std::vector<std::string> external_command(const std::filesystem::path &program, MemberRole role,
                                          const nlohmann::json &config, const TapInputs &tap_inputs,
                                          const std::vector<std::string> &args,
                                          MemoryFiles &files) {
  std::vector<std::string> command{program.string()};
  command.emplace_back("--config");
  command.push_back(files.add("config.json", config.dump()));
  if (role == MemberRole::Tap) {
    if (tap_inputs.state_json && !tap_inputs.full_refresh) {
      command.emplace_back("--state");
      command.push_back(files.add("state.json", *tap_inputs.state_json));
    }
    if (tap_inputs.catalog_json) {
      command.emplace_back("--catalog");
      command.push_back(files.add("catalog.json", *tap_inputs.catalog_json));
    }
  }
  command.insert(command.end(), args.begin(), args.end());
  return command;
}

ExternalMember::ExternalMember(const std::string &name, MemberRole role,
                               const std::filesystem::path &program, const nlohmann::json &config,
                               const TapInputs &tap_inputs, const std::vector<std::string> &args,
                               MetricsCollector *metrics)
    : Member(name, role),
      command_(external_command(program, role, config, tap_inputs, args, files_)),
      log_(name, metrics) {}

ExternalMember::~ExternalMember() {
  if (supervisor_.joinable()) supervisor_.join();
  close_fd(stderr_fd_);
}

void ExternalMember::launch(int in_fd, int out_fd) {
  int stderr_pipe[2];
  make_pipe(stderr_pipe);
  ChildStdio stdio{in_fd, out_fd, stderr_pipe[1]};
  try {
    child_ = ChildProcess::spawn(command_, stdio, files_.fds());
  } catch (...) {
    files_.close_all();
    for (int fd : {stderr_pipe[0], stderr_pipe[1], in_fd, out_fd}) {
      if (fd >= 0) ::close(fd);
    }
    throw;
  }
  // The program has its copies: from here the config lives in its memory only.
  files_.close_all();
  ::close(stderr_pipe[1]);
  if (in_fd >= 0) ::close(in_fd);
  if (out_fd >= 0) ::close(out_fd);
  stderr_fd_ = stderr_pipe[0];
}

void ExternalMember::start_threads() {
  stderr_reader_.start(stderr_fd_, &log_);
  stderr_fd_ = -1;
  supervisor_ = std::thread([this] {
    ExitStatus status = child_.wait();
    if (!status.ok()) mark_finished(false);
    stderr_reader_.join();
    if (!status.ok()) {
      std::string message = "executable '" + name() + "' " + status.describe();
      if (interrupted_ && status.signal == SIGTERM) message += " after chorus asked it to stop";
      const std::string problem = log_.last_problem();
      if (!problem.empty()) message += "; its last problem logged: " + problem;
      outcome_ = {false, message};
    }
    mark_finished(outcome_.ok);
  });
}

MemberOutcome ExternalMember::wait() {
  if (supervisor_.joinable()) supervisor_.join();
  return outcome_;
}

void ExternalMember::interrupt() {
  // An external executable cannot see the stop flag. Only a tap is stopped: a target or mapper
  // must drain what it has and echo its state, and ends when its input closes.
  if (role() == MemberRole::Tap) {
    interrupted_ = true;
    child_.send_signal(SIGTERM);
  }
}

std::string discover_with_executable(const std::string &name, const std::filesystem::path &program,
                                     const nlohmann::json &config,
                                     const std::vector<std::string> &args,
                                     MetricsCollector *metrics) {
  MemoryFiles files;
  std::vector<std::string> command =
      external_command(program, MemberRole::Mapper, config, TapInputs{}, args, files);
  command.emplace_back("--discover");
  int out_pipe[2];
  int stderr_pipe[2];
  make_pipe(out_pipe);
  make_pipe(stderr_pipe);
  MemberLog log(name, metrics);
  ChildProcess child;
  try {
    child = ChildProcess::spawn(command, ChildStdio{-1, out_pipe[1], stderr_pipe[1]}, files.fds());
  } catch (...) {
    for (int fd : {out_pipe[0], out_pipe[1], stderr_pipe[0], stderr_pipe[1]}) ::close(fd);
    throw;
  }
  files.close_all();
  ::close(out_pipe[1]);
  ::close(stderr_pipe[1]);
  StderrReader reader;
  reader.start(stderr_pipe[0], &log);
  std::string output = read_all(out_pipe[0]);
  ::close(out_pipe[0]);
  ExitStatus status = child.wait();
  reader.join();
  if (!status.ok()) {
    std::string message = "executable '" + name + "' failed to discover: " + status.describe();
    if (!log.last_problem().empty()) message += "; its last problem logged: " + log.last_problem();
    throw std::runtime_error(message);
  }
  return output;
}

}  // namespace chorus::host
