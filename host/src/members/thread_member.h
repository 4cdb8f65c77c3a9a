// A chorus plugin running on a thread of the host.
#pragma once

#include <memory>
#include <thread>

#include "members/member.h"
#include "members/member_log.h"
#include "plugins/plugin_instance.h"

namespace chorus::host {

class ThreadMember final : public Member {
 public:
  // The instance is created by the caller, before anything runs, so a config error stops the
  // pipeline before any data moves. `log` must be the one the instance logs to.
  ThreadMember(MemberRole role, std::unique_ptr<MemberLog> log,
               std::unique_ptr<PluginInstance> instance, TapInputs tap_inputs);
  ~ThreadMember() override;

  void launch(int in_fd, int out_fd) override;
  void start_threads() override;
  MemberOutcome wait() override;
  void interrupt() override {}

 private:
  std::unique_ptr<MemberLog> log_;
  std::unique_ptr<PluginInstance> instance_;
  TapInputs tap_inputs_;
  int in_fd_ = -1;
  int out_fd_ = -1;
  std::thread thread_;
  MemberOutcome outcome_;
};

}  // namespace chorus::host
