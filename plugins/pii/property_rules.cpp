#include "property_rules.h"

#include "chorus/plugin/errors.h"

namespace chorus::mapper_pii {

PropertyRules::PropertyRules(const nlohmann::json &hash, const nlohmann::json &drop) {
  auto add = [&](const nlohmann::json &list, const char *setting, Action action) {
    if (list.is_null()) return;
    for (const auto &entry : list) {
      std::string text = entry.is_string() ? entry.get<std::string>() : std::string();
      std::size_t dot = text.find('.');
      if (dot == std::string::npos || dot == 0 || dot + 1 == text.size()) {
        throw ConfigError(std::string("mapper-pii: setting `") + setting + "` has '" + text +
                          "'; write each entry as \"stream.property\"");
      }
      auto &properties = rules_[text.substr(0, dot)];
      auto [it, inserted] = properties.emplace(text.substr(dot + 1), action);
      if (!inserted && it->second != action) {
        throw ConfigError("mapper-pii: '" + text +
                          "' is listed in both `hash` and `drop`; "
                          "keep it in one of them");
      }
    }
  };
  add(hash, "hash", Action::Hash);
  add(drop, "drop", Action::Drop);
}

bool PropertyRules::touches(std::string_view stream) const {
  return rules_.find(stream) != rules_.end();
}

Action PropertyRules::action(std::string_view stream, std::string_view property) const {
  auto properties = rules_.find(stream);
  if (properties == rules_.end()) return Action::Keep;
  auto found = properties->second.find(property);
  return found == properties->second.end() ? Action::Keep : found->second;
}

std::vector<std::string> PropertyRules::streams() const {
  std::vector<std::string> names;
  for (const auto &entry : rules_) names.push_back(entry.first);
  return names;
}

std::vector<std::pair<std::string, std::string>> PropertyRules::rules_of(
    std::string_view stream) const {
  std::vector<std::pair<std::string, std::string>> out;
  auto properties = rules_.find(stream);
  if (properties == rules_.end()) return out;
  for (const auto &[property, action] : properties->second) {
    out.emplace_back(std::string(action == Action::Hash ? "hash: " : "drop: ") +
                         std::string(stream) + "." + property,
                     property);
  }
  return out;
}

}  // namespace chorus::mapper_pii
