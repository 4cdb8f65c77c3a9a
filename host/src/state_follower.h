// Follows a target's output: every STATE line is merged into the state and stored at once.
#pragma once

#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "state_store.h"

namespace chorus::host {

class StateFollower {
 public:
  // `store` may be null: the state is then followed but not written (no state file).
  StateFollower(std::string target_name, const StateStore *store, nlohmann::json initial);

  // Bytes as read from the target's stdout; complete lines are handled immediately.
  void feed(std::string_view bytes);
  // End of output: handles a last line without a newline.
  void finish();

  // Called with each STATE value the target echoes, before it is stored; what it returns is
  // merged into the stored state (the host's record counts beside the bookmarks).
  void set_annotator(std::function<nlohmann::json(const nlohmann::json &value)> annotator) {
    annotator_ = std::move(annotator);
  }

  std::size_t states_received() const { return states_received_; }
  const nlohmann::json &state() const { return state_; }

 private:
  void handle_line(std::string_view line);
  std::string target_name_;
  const StateStore *store_;
  nlohmann::json state_;
  std::string pending_;
  std::size_t line_number_ = 0;
  std::size_t states_received_ = 0;
  bool warned_other_ = false;
  std::function<nlohmann::json(const nlohmann::json &value)> annotator_;
};

}  // namespace chorus::host
