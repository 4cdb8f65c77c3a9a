// Which properties of which stream mapper-pii drops or hashes ("stream.property" settings).
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace chorus::mapper_pii {

enum class Action { Keep, Drop, Hash };

class PropertyRules {
 public:
  // `hash` and `drop` are lists of "stream.property"; throws ConfigError naming a bad entry or a
  // property listed in both.
  PropertyRules(const nlohmann::json &hash, const nlohmann::json &drop);

  bool touches(std::string_view stream) const;
  Action action(std::string_view stream, std::string_view property) const;

  // Every stream a rule names.
  std::vector<std::string> streams() const;
  // The rules of `stream`, as written ("hash: sales.customer"), with their property names.
  std::vector<std::pair<std::string, std::string>> rules_of(std::string_view stream) const;

 private:
  // stream -> property -> action
  std::map<std::string, std::map<std::string, Action, std::less<>>, std::less<>> rules_;
};

}  // namespace chorus::mapper_pii
