#include "members/thread_member.h"

#include "process/child_process.h"
#include "process/fd_io.h"

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
    try {
      instance_->run(in_fd_, out_fd_, role() == MemberRole::Tap ? tap_inputs_ : TapInputs{});
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
