// Telling a whole Singer STATE message ({"type": "STATE", "value": {...}}) from a bare state
// value: Meltano hands a tap the last value a target printed, the host and older tools a whole
// message, and both are accepted. Header-only.
#pragma once

#include <cctype>
#include <nlohmann/json.hpp>
#include <string>

namespace chorus::singer {

// True for an object with a "value" and a "type" that is "STATE" in any letter case.
inline bool is_state_message(const nlohmann::json &document) {
  if (!document.is_object() || !document.contains("value")) return false;
  const auto type = document.find("type");
  if (type == document.end() || !type->is_string()) return false;
  std::string name = type->get<std::string>();
  for (auto &c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name == "STATE";
}

}  // namespace chorus::singer
