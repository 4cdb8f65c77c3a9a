#include "state/state_follower.h"

#include "log.h"
#include "state/state_line.h"

namespace chorus::host {

StateFollower::StateFollower(std::string target_name, StateStore *store, nlohmann::json initial)
    : target_name_(std::move(target_name)), store_(store), state_(std::move(initial)) {
  if (state_.is_null()) state_ = nlohmann::json::object();
}

void StateFollower::feed(std::string_view bytes) {
  if (failed_) return;
  try {
    lines_.feed(bytes, [this](std::string_view line) { handle_line(line); });
  } catch (...) {
    failed_ = true;
    throw;
  }
}

void StateFollower::finish() {
  if (failed_) return;
  try {
    lines_.finish([this](std::string_view line) { handle_line(line); });
  } catch (...) {
    failed_ = true;
    throw;
  }
}

std::string StateFollower::outcome() const {
  if (store_ == nullptr) {
    return "state not stored: this run has no state file (give --state FILE to resume the next "
           "run from it)";
  }
  const std::string path = store_->location();
  if (states_received_ == 0) {
    return "state not stored: " + std::string(failed_ ? "the first" : "no") + " STATE of target '" +
           target_name_ + "' " + (failed_ ? "failed" : "arrived") + "; " + path + " is unchanged";
  }
  return "state stored at " + path + " (" + std::to_string(states_received_) +
         " STATE(s) from target '" + target_name_ + "'" +
         (failed_ ? ", up to the one that failed" : "") + ")";
}

void StateFollower::handle_line(std::string_view line) {
  ++line_number_;
  if (line.find_first_not_of(" \t\r") == std::string_view::npos) return;
  auto parsed = nlohmann::json::parse(line, nullptr, false);
  const std::string where =
      "target '" + target_name_ + "', line " + std::to_string(line_number_) + " of its output";
  std::optional<nlohmann::json> value;
  if (!parsed.is_discarded()) value = state_value_of(parsed, where);
  if (!value) {
    if (!warned_other_) {
      log_warn(where + ": neither a STATE message nor a state value; a target writes only " +
               "states there; ignored (later such lines too)");
      warned_other_ = true;
    }
    return;
  }
  ++states_received_;
  nlohmann::json merged = merge_state(state_, *value);
  if (annotator_) merged = merge_state(merged, annotator_(*value));
  if (store_ != nullptr) store_->write(merged);
  state_ = std::move(merged);
}

}  // namespace chorus::host
