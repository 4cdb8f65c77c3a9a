// What a target prints under `chorus exec`: each state *value* alone on a line
// ({"bookmarks": {...}}), as singer-python's and the Meltano SDK's targets print it. Meltano
// stores the last such line as the job's state and hands it back to the tap as --state.
//
// Inside the host, targets write whole STATE messages ({"type": "STATE", "value": ...}), the
// framing the host's state follower and the conformance suite read. So the exec command puts
// this relay between the target and stdout rather than changing what targets write: every
// chorus target, whatever SDK it was built with, prints the Singer form under exec.
#pragma once

#include <string>
#include <string_view>
#include <thread>

namespace chorus::host {

// The line to print for one line of a target's output: the value of a STATE message; anything
// else unchanged.
std::string state_value_line(std::string_view line);

class StateValueRelay {
 public:
  // Starts relaying to `out_fd` (not owned) from a new pipe whose write end is target_fd().
  explicit StateValueRelay(int out_fd);
  ~StateValueRelay();
  StateValueRelay(const StateValueRelay &) = delete;
  StateValueRelay &operator=(const StateValueRelay &) = delete;

  // The fd to give the target as its out_fd.
  int target_fd() const { return write_fd_; }

  // Closes target_fd() and waits until every line is printed. Throws std::runtime_error when
  // printing failed (stdout closed): the state the target confirmed did not reach the runner.
  void finish();

 private:
  void relay();

  int read_fd_ = -1;
  int write_fd_ = -1;
  int out_fd_;
  std::thread thread_;
  std::string error_;
};

}  // namespace chorus::host
