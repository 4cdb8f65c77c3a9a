// The host's log: spdlog on stderr, plugin lines prefixed with the plugin's name, secrets
// redacted before anything is written.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

namespace chorus::host {

// Configures the process-wide stderr logger. Call once, early in main().
void init_logging(bool verbose);

// Removes secrets from text that is about to be logged or shown: every registered secret value,
// and anything shaped like `password=...`, `"token": "..."` (key names that mean a secret).
class Redactor {
 public:
  // Registers the values of `config` whose keys are secret in `settings_schema` (a plugin's
  // about "settings"). Nested objects are walked; arrays of objects too.
  void add_secrets_from(const nlohmann::json &settings_schema, const nlohmann::json &config);
  void add_secret(std::string value);
  std::string redact(std::string_view text) const;
};

// The process-wide redactor every log path uses.
Redactor &redactor();

enum class LogLevel { Debug, Info, Warn, Error };

// Logs one line written by a plugin, prefixed with its name, after redaction.
void log_plugin_line(std::string_view plugin, LogLevel level, std::string_view message);

// Host messages (redacted too, since they may quote plugin errors).
void log_info(std::string_view message);
void log_warn(std::string_view message);
void log_error(std::string_view message);

// Maps chorus_log_level values (and anything out of range, to Info).
LogLevel log_level_from_abi(int level);

}  // namespace chorus::host
