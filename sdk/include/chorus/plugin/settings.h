// A plugin's settings, declared once as a JSON Schema and enforced on every config.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace chorus {

// The static description of a plugin class, returned by its `static PluginInfo info()`.
struct PluginInfo {
  std::string name;         // Singer name: "tap-csv"
  std::string version;      // semver of the plugin
  std::string description;  // one sentence
  // Meltano's capability strings: "discover", "catalog", "state", "about", "stream-maps",
  // "batch", "activate-version", "soft-delete", "hard-delete", "validate-records", ...
  std::vector<std::string> capabilities;
  // JSON Schema of the config: {"type":"object","properties":{...},"required":[...]}. Each
  // property may carry "secret": true, "default", "description".
  nlohmann::json settings = nlohmann::json::object();
};

// Checks `config` against the settings schema and returns it with defaults filled in. Throws
// ConfigError naming the key: an unknown key (with the nearest known name as a hint), a missing
// required key, or a value of the wrong type.
nlohmann::json apply_settings(const nlohmann::json &settings_schema, const nlohmann::json &config);

// Names of the settings marked "secret": true (for redaction).
std::vector<std::string> secret_settings(const nlohmann::json &settings_schema);

// The `about` document: name, version, description, capabilities, settings.
nlohmann::json about_document(const PluginInfo &info, std::string_view kind);

}  // namespace chorus
