#include "state/state_line.h"

#include <cctype>

namespace chorus::host {
namespace {

bool is_state_type(std::string type) {
  for (auto &c : type) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return type == "STATE";
}

// The value as the user wrote it, cut so that a huge array does not flood the log.
std::string quoted(const nlohmann::json &value) {
  constexpr std::size_t kMaxShown = 120;
  std::string text = value.dump();
  if (text.size() > kMaxShown) text = text.substr(0, kMaxShown) + "...";
  return text;
}

}  // namespace

std::optional<nlohmann::json> state_value_of(const nlohmann::json &line, const std::string &where) {
  nlohmann::json value = line;
  if (line.is_object()) {
    auto type = line.find("type");
    if (type == line.end() || !type->is_string()) return line;
    if (!is_state_type(type->get<std::string>())) return std::nullopt;
    auto found = line.find("value");
    if (found == line.end()) {
      throw StateValueError(where + ": a STATE message without \"value\"; the state was left " +
                            "unchanged");
    }
    value = *found;
  }
  if (!value.is_object()) {
    throw StateValueError(where + ": a state value must be a JSON object such as " +
                          "{\"bookmarks\": {...}}, got " + quoted(value) +
                          "; this is a Singer protocol error and the state was left unchanged");
  }
  return value;
}

}  // namespace chorus::host
