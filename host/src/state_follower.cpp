#include "state_follower.h"

#include <cctype>

#include "log.h"

namespace chorus::host {

StateFollower::StateFollower(std::string target_name, const StateStore *store,
                             nlohmann::json initial)
    : target_name_(std::move(target_name)), store_(store), state_(std::move(initial)) {
  if (state_.is_null()) state_ = nlohmann::json::object();
}

void StateFollower::feed(std::string_view bytes) {
  pending_.append(bytes);
  std::size_t start = 0;
  for (auto newline = pending_.find('\n'); newline != std::string::npos;
       newline = pending_.find('\n', start)) {
    handle_line(std::string_view(pending_).substr(start, newline - start));
    start = newline + 1;
  }
  pending_.erase(0, start);
}

void StateFollower::finish() {
  if (!pending_.empty()) handle_line(pending_);
  pending_.clear();
}

void StateFollower::handle_line(std::string_view line) {
  ++line_number_;
  if (line.find_first_not_of(" \t\r") == std::string_view::npos) return;
  auto message = nlohmann::json::parse(line, nullptr, false);
  std::string type;
  if (message.is_object() && message.contains("type") && message["type"].is_string()) {
    type = message["type"].get<std::string>();
    for (auto &c : type) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  if (type != "STATE" || !message.contains("value")) {
    if (!warned_other_) {
      log_warn("target '" + target_name_ + "' wrote something other than a STATE message on " +
               "its output (line " + std::to_string(line_number_) +
               "); a target writes only STATE lines there; ignored");
      warned_other_ = true;
    }
    return;
  }
  ++states_received_;
  state_ = merge_state(state_, message["value"]);
  if (annotator_) state_ = merge_state(state_, annotator_(message["value"]));
  if (store_ != nullptr) store_->write(state_);
}

}  // namespace chorus::host
