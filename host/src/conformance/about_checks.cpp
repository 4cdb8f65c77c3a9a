#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "conformance/checks.h"

namespace chorus::host::conformance {
namespace {

bool looks_secret(std::string name) {
  std::transform(name.begin(), name.end(), name.begin(), ::tolower);
  // A setting naming where a secret lives (private_key_path) is not itself the secret.
  for (const char *suffix : {"_path", "_file"}) {
    const std::string tail(suffix);
    if (name.size() > tail.size() &&
        name.compare(name.size() - tail.size(), tail.size(), tail) == 0) {
      return false;
    }
  }
  for (const char *word : {"password", "secret", "token", "private_key", "api_key", "access_key"}) {
    if (name.find(word) != std::string::npos) return true;
  }
  return false;
}

std::string settings_problem(const nlohmann::json &settings) {
  if (!settings.is_object()) return "settings is not a JSON object";
  if (settings.value("type", "") != "object") return "settings \"type\" must be \"object\"";
  if (!settings.contains("properties") || !settings["properties"].is_object()) {
    return "settings has no \"properties\" object";
  }
  for (const auto &[name, property] : settings["properties"].items()) {
    if (!property.is_object()) return "setting '" + name + "' is not a JSON Schema object";
    auto type = property.find("type");
    bool typed = type != property.end() && (type->is_string() || type->is_array());
    bool composed = property.contains("anyOf") || property.contains("oneOf");
    if (!typed && !composed) return "setting '" + name + "' has no \"type\"";
    if (property.contains("secret") && !property["secret"].is_boolean()) {
      return "setting '" + name + "': \"secret\" must be true or false";
    }
  }
  if (settings.contains("required")) {
    if (!settings["required"].is_array()) return "\"required\" must be a list of setting names";
    for (const auto &name : settings["required"]) {
      if (!name.is_string() || !settings["properties"].contains(name.get<std::string>())) {
        return "\"required\" names " + name.dump() + ", which is not a setting";
      }
    }
  }
  return {};
}

}  // namespace

void check_about(const PluginLibrary &library, Report &report) {
  const char *raw = library.descriptor().about_json;
  auto about = nlohmann::json::parse(raw != nullptr ? raw : "", nullptr, false);
  if (about.is_discarded() || !about.is_object()) {
    report.fail("about is valid JSON",
                raw == nullptr ? "the descriptor has no about" : "about is not a JSON object");
    return;
  }
  report.pass("about is valid JSON");

  std::string missing;
  for (const char *key : {"name", "kind", "version", "capabilities", "settings"}) {
    if (!about.contains(key)) missing += std::string(missing.empty() ? "" : ", ") + key;
  }
  if (!missing.empty()) {
    report.fail("about has name, kind, version, capabilities and settings", "missing: " + missing);
  } else if (about["name"] != library.name()) {
    report.fail("about has name, kind, version, capabilities and settings",
                "about names " + about["name"].dump() + " but the descriptor " + library.name());
  } else if (!about["capabilities"].is_array()) {
    report.fail("about has name, kind, version, capabilities and settings",
                "capabilities must be a list of strings");
  } else {
    report.pass("about has name, kind, version, capabilities and settings");
  }

  const auto settings = about.value("settings", nlohmann::json());
  std::string problem = settings_problem(settings);
  if (!problem.empty()) {
    report.fail("settings is a JSON Schema", problem);
    return;
  }
  report.pass("settings is a JSON Schema");

  std::string unflagged;
  for (const auto &[name, property] : settings["properties"].items()) {
    if (looks_secret(name) && !property.value("secret", false)) {
      unflagged += (unflagged.empty() ? "" : ", ") + name;
    }
  }
  if (unflagged.empty()) {
    report.pass("secret settings are flagged secret");
  } else {
    report.fail("secret settings are flagged secret",
                "add \"secret\": true to: " + unflagged + " (chorus redacts their values)");
  }
}

}  // namespace chorus::host::conformance
