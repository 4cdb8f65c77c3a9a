// An ordinary Singer executable (a Python tap-*, a script) as a member: a child process whose
// stdin and stdout are the pipeline's pipes, run with --config /dev/fd/N (and, for a tap,
// --state/--catalog): anonymous memory files, so a config's secrets never touch the disk.
#pragma once

#include <filesystem>
#include <thread>
#include <vector>

#include "members/member.h"
#include "members/member_log.h"
#include "process/child_process.h"
#include "process/temp_files.h"

namespace chorus::host {

// The command line for an external member: program, --config, tap inputs, then the user's args.
std::vector<std::string> external_command(const std::filesystem::path &program, MemberRole role,
                                          const nlohmann::json &config, const TapInputs &tap_inputs,
                                          const std::vector<std::string> &args, MemoryFiles &files);

class ExternalMember final : public Member {
 public:
  ExternalMember(const std::string &name, MemberRole role, const std::filesystem::path &program,
                 const nlohmann::json &config, const TapInputs &tap_inputs,
                 const std::vector<std::string> &args, MetricsCollector *metrics);
  ~ExternalMember() override;

  void launch(int in_fd, int out_fd) override;
  void start_threads() override;
  MemberOutcome wait() override;
  void interrupt() override;

 private:
  MemoryFiles files_;  // open until the program has its copies
  std::vector<std::string> command_;
  MemberLog log_;
  ChildProcess child_;
  int stderr_fd_ = -1;
  StderrReader stderr_reader_;
  std::thread supervisor_;
  MemberOutcome outcome_;
  std::atomic<bool> interrupted_{false};
};

// Runs `program --config FILE --discover` and returns its stdout. Throws std::runtime_error
// naming the executable when it fails.
std::string discover_with_executable(const std::string &name, const std::filesystem::path &program,
                                     const nlohmann::json &config,
                                     const std::vector<std::string> &args,
                                     MetricsCollector *metrics);

}  // namespace chorus::host
