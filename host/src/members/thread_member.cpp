#include "members/thread_member.h"

#include "child_process.h"

namespace chorus::host {

ThreadMember::ThreadMember(MemberRole role, std::unique_ptr<MemberLog> log,
                           std::unique_ptr<PluginInstance> instance, TapInputs tap_inputs)
    : Member(instance->name(), role),
      log_(std::move(log)),
      instance_(std::move(instance)),
      tap_inputs_(std::move(tap_inputs)) {}

ThreadMember::~ThreadMember() {
  if (thread_.joinable()) thread_.join();
  close_fd(in_fd_);
  close_fd(out_fd_);
}

void ThreadMember::launch(int in_fd, int out_fd) {
  in_fd_ = in_fd;
  out_fd_ = out_fd;
}

void ThreadMember::start_threads() {
  thread_ = std::thread([this] {
    chorus_run_args_v1 args{};
    args.struct_size = sizeof args;
    args.in_fd = in_fd_;
    args.out_fd = out_fd_;
    if (role() == MemberRole::Tap) {
      args.state_json = tap_inputs_.state_json ? tap_inputs_.state_json->c_str() : nullptr;
      args.catalog_json = tap_inputs_.catalog_json ? tap_inputs_.catalog_json->c_str() : nullptr;
      args.full_refresh = tap_inputs_.full_refresh ? 1 : 0;
    }
    try {
      instance_->run(args);
    } catch (const PluginError &e) {
      outcome_ = {false, e.what()};
    } catch (const std::exception &e) {
      outcome_ = {false, "plugin '" + name() + "' failed: " + e.what()};
    }
    // Marked before the ends close: a neighbour that fails on what closing does to it (a
    // truncated input, EPIPE) failed after this member, as a consequence.
    mark_finished(outcome_.ok);
    // Closing our ends is what tells the neighbours we are done: the reader downstream sees
    // EOF, the writer upstream gets EPIPE instead of blocking forever.
    close_fd(out_fd_);
    close_fd(in_fd_);
  });
}

MemberOutcome ThreadMember::wait() {
  if (thread_.joinable()) thread_.join();
  return outcome_;
}

}  // namespace chorus::host
