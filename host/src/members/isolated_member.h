// A chorus plugin running in a child process forked after the library was loaded, so that a
// crash (SIGSEGV, abort) ends the child, not the host and its state.
#pragma once

#include <memory>
#include <thread>

#include "members/member.h"
#include "members/member_log.h"
#include "plugins/plugin_library.h"
#include "process/child_process.h"

namespace chorus::host {

class IsolatedMember final : public Member {
 public:
  IsolatedMember(MemberRole role, std::shared_ptr<PluginLibrary> library, nlohmann::json config,
                 TapInputs tap_inputs, MetricsCollector *metrics);
  ~IsolatedMember() override;

  void launch(int in_fd, int out_fd) override;
  void start_threads() override;
  MemberOutcome wait() override;
  void interrupt() override;

 private:
  std::shared_ptr<PluginLibrary> library_;
  nlohmann::json config_;
  TapInputs tap_inputs_;
  MemberLog log_;
  ChildProcess child_;
  int stderr_fd_ = -1;  // read end of the child's stderr
  int error_fd_ = -1;   // read end of the pipe the child reports its error message on
  StderrReader stderr_reader_;
  std::thread supervisor_;
  MemberOutcome outcome_;
};

// Runs `instance_call` in a forked child and returns what it wrote to the fd it is given; used
// for an isolated discover. Throws PluginError naming the plugin when the child fails or crashes.
std::string run_isolated_capture(const std::shared_ptr<PluginLibrary> &library,
                                 const nlohmann::json &config, MetricsCollector *metrics);

}  // namespace chorus::host
