// What a target's output line means for the state. Singer and Meltano SDK targets print the bare
// state value ({"bookmarks": {...}}); chorus targets inside the host print the whole message
// ({"type": "STATE", "value": {...}}). Both forms are a state, and so is a value given to
// `chorus state set|merge`.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>

namespace chorus::host {

// A state whose value is not a JSON object (5, "x", null, [1,2]), or a STATE message without a
// value: it would wipe every stream's bookmark, so it is refused, never stored.
class StateValueError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The state value a parsed line carries:
// - an object with a string "type" is a Singer message: a STATE (any case) gives its "value",
//   any other type gives nullopt (not state);
// - any other object is a bare state value and is returned as it is;
// - anything else (a number, string, null, array) is a state value that is not an object.
// Throws StateValueError, with `where` ("target 'x', line 3 of its output") leading the message,
// for a STATE without a value and for a value that is not an object.
std::optional<nlohmann::json> state_value_of(const nlohmann::json &line, const std::string &where);

}  // namespace chorus::host
