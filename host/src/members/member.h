// One member of a running pipeline (tap, mapper or target), however it runs: a thread in the
// host, an isolated child process, or an external Singer executable.
#pragma once

#include <atomic>
#include <optional>
#include <string>

#include "pipeline/pipeline_config.h"
#include "plugins/plugin_instance.h"

namespace chorus::host {

struct MemberOutcome {
  bool ok = true;
  std::string message;  // the whole sentence for the user when !ok
};

class Member {
 public:
  Member(std::string name, MemberRole role) : name_(std::move(name)), role_(role) {}
  virtual ~Member() = default;
  Member(const Member &) = delete;
  Member &operator=(const Member &) = delete;

  const std::string &name() const { return name_; }
  MemberRole role() const { return role_; }

  // Phase 1, before any pipeline thread exists: forks the child process, if the member has one.
  // Takes ownership of in_fd (-1 for a tap) and out_fd and closes the host's copies once the
  // child has them.
  virtual void launch(int in_fd, int out_fd) = 0;
  // Phase 2: starts the threads that run or supervise the member.
  virtual void start_threads() = 0;
  // Blocks until the member has finished and every thread it started has been joined.
  virtual MemberOutcome wait() = 0;
  // Asks the member to stop producing (another member failed, or the user pressed Ctrl-C).
  // In-process plugins see the shared stop flag instead.
  virtual void interrupt() = 0;

  // True once the member has finished with a failure (set from a supervising thread).
  bool failed() const { return failed_.load(); }
  // A number that orders failures: the first member to fail is the cause, later ones usually
  // its consequences (a broken pipe).
  unsigned failure_order() const { return failure_order_.load(); }

 protected:
  // Records the outcome; a failure may be marked early, once, and again when finished.
  void mark_finished(bool ok);

 private:
  std::string name_;
  MemberRole role_;
  std::atomic<bool> failed_{false};
  std::atomic<unsigned> failure_order_{0};
};

}  // namespace chorus::host
