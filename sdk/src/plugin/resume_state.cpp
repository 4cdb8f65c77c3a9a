#include "resume_state.h"

#include <string>
#include <vector>

#include "chorus/singer/state_message.h"

namespace chorus::detail {
namespace {

using singer::is_state_message;

// Lays `newer` over `state`: each stream's bookmark in newer replaces the one in state whole
// (a bookmark is one position, not fields to mix); any other key is replaced.
void lay_over(nlohmann::json &state, const nlohmann::json &newer) {
  if (!state.is_object()) state = nlohmann::json::object();
  for (const auto &[key, value] : newer.items()) {
    if (key == "bookmarks" && value.is_object() && state.contains(key) && state[key].is_object()) {
      for (const auto &[stream, bookmark] : value.items()) state[key][stream] = bookmark;
    } else {
      state[key] = value;
    }
  }
}

std::string bookmarked_streams(const nlohmann::json &state) {
  if (!state.is_object() || !state.contains("bookmarks") || !state.at("bookmarks").is_object() ||
      state.at("bookmarks").empty()) {
    return "no stream has a bookmark";
  }
  std::string names;
  for (const auto &[stream, bookmark] : state.at("bookmarks").items()) {
    names += (names.empty() ? "streams: " : ", ") + stream;
  }
  return names;
}

}  // namespace

nlohmann::json resume_state(nlohmann::json document, const PluginContext &context) {
  std::size_t depth = 0;
  std::vector<nlohmann::json> beside_wrappers;  // outermost first
  while (is_state_message(document)) {
    nlohmann::json value = std::move(document["value"]);
    document.erase("type");
    document.erase("value");
    if (!document.empty()) beside_wrappers.push_back(std::move(document));
    document = std::move(value);
    ++depth;
  }
  if (depth <= 1 && beside_wrappers.empty()) return document;

  for (auto layer = beside_wrappers.rbegin(); layer != beside_wrappers.rend(); ++layer) {
    lay_over(document, *layer);
  }
  context.warn(
      "the state to resume from is a STATE message nested " + std::to_string(depth) +
      " levels deep" +
      (beside_wrappers.empty() ? std::string() : " with bookmarks written beside the wrappers") +
      ", as a runner stores it when a target prints whole STATE messages and the tap "
      "does not unwrap them; resuming from the bookmarks inside it (" +
      bookmarked_streams(document) +
      "). The next state this tap writes is the plain value; store that one.");
  return document;
}

}  // namespace chorus::detail
