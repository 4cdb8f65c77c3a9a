#include "state/state_value_output.h"

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "chorus/singer/line_reader.h"
#include "chorus/singer/state_message.h"
#include "process/child_process.h"
#include "process/fd_io.h"

namespace chorus::host {

using singer::is_state_message;

std::string state_value_line(std::string_view line) {
  // Only STATE lines are rewritten; the value goes out as the target wrote it after a parse and
  // dump, which is exact for what an SDK target writes (it is itself an nlohmann dump).
  const auto message = nlohmann::json::parse(line, nullptr, false);
  if (is_state_message(message)) return message["value"].dump() + "\n";
  return std::string(line) + "\n";
}

StateValueRelay::StateValueRelay(int out_fd) : out_fd_(out_fd) {
  int fds[2];
  make_pipe(fds);
  read_fd_ = fds[0];
  write_fd_ = fds[1];
  thread_ = std::thread([this] { relay(); });
}

StateValueRelay::~StateValueRelay() {
  close_fd(write_fd_);
  if (thread_.joinable()) thread_.join();
  close_fd(read_fd_);
}

void StateValueRelay::relay() {
  try {
    singer::LineReader reader(read_fd_);
    std::string_view line;
    while (reader.next(line)) {
      if (!write_all(out_fd_, state_value_line(line))) {
        error_ = std::string("cannot print the target's state on stdout: ") + std::strerror(errno);
        break;
      }
    }
  } catch (const std::exception &e) {
    error_ = std::string("cannot relay the target's state: ") + e.what();
  }
  // Closing our end makes a target still writing fail with EPIPE instead of blocking.
  close_fd(read_fd_);
}

void StateValueRelay::finish() {
  close_fd(write_fd_);
  if (thread_.joinable()) thread_.join();
  if (!error_.empty()) throw std::runtime_error(error_);
}

}  // namespace chorus::host
