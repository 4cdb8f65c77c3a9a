// Follows a target's output: every state line is merged into the state and stored at once.
#pragma once

#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "process/line_splitter.h"
#include "state/state_store.h"

namespace chorus::host {

class StateFollower {
 public:
  // `store` may be null: the state is then followed but not written (no state file).
  StateFollower(std::string target_name, StateStore *store, nlohmann::json initial);

  // Bytes as read from the target's stdout; complete lines are handled immediately. A line is a
  // state in either Singer form, a full STATE message or the bare value (see state_line.h).
  // Throws StateValueError for a state value that is not a JSON object, and the store's error
  // when the state cannot be written; from then on the follower stores nothing more, so the
  // state file keeps the last good state.
  void feed(std::string_view bytes);
  // End of output: handles a last line without a newline.
  void finish();

  // Called with each STATE value the target echoes, before it is stored; what it returns is
  // merged into the stored state (the host's record counts beside the bookmarks).
  void set_annotator(std::function<nlohmann::json(const nlohmann::json &value)> annotator) {
    annotator_ = std::move(annotator);
  }

  std::size_t states_received() const { return states_received_; }
  // One line for the end of the run: where the state went ("state stored at ...", "state not
  // stored ...").
  std::string outcome() const;
  const nlohmann::json &state() const { return state_; }

 private:
  void handle_line(std::string_view line);
  std::string target_name_;
  StateStore *store_;
  nlohmann::json state_;
  LineSplitter lines_;
  std::size_t line_number_ = 0;
  std::size_t states_received_ = 0;
  bool warned_other_ = false;
  std::function<nlohmann::json(const nlohmann::json &value)> annotator_;
  bool failed_ = false;
};

}  // namespace chorus::host
