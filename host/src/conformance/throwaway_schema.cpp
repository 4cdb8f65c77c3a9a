#include "conformance/throwaway_schema.h"

#include <cstdio>
#include <random>

#include "chorus/pg/connection.h"
#include "chorus/plugin/settings.h"

namespace chorus::host::conformance {
namespace {

// The target reaches its warehouse over PostgreSQL's protocol with a password the suite can
// use too (an IAM sign-in is the target's own business).
bool speaks_postgres(const nlohmann::json &settings, const nlohmann::json &config) {
  const auto properties = settings.value("properties", nlohmann::json::object());
  return properties.contains("host") && properties.contains("dbname") &&
         properties.contains("sslmode") && !config.contains("iam_auth");
}

}  // namespace

std::optional<ThrowawaySchema> ThrowawaySchema::for_target(const PluginLibrary &library,
                                                           nlohmann::json &config) {
  const nlohmann::json settings = library.settings_schema();
  if (!settings.value("properties", nlohmann::json::object()).contains("default_target_schema")) {
    return std::nullopt;
  }
  char suffix[17];
  std::snprintf(
      suffix, sizeof suffix, "%016llx",
      static_cast<unsigned long long>(std::random_device{}()) << 32 ^ std::random_device{}());
  std::string name = std::string("chorus_test_") + suffix;
  config["default_target_schema"] = name;
  nlohmann::json connect;
  if (speaks_postgres(settings, config)) {
    // With the target's defaults (target-redshift's port 5439, not libpq's 5432).
    try {
      connect = apply_settings(settings, config);
    } catch (const std::exception &) {
      connect = config;  // the suite reports the config's problems; connect with what is given
    }
  }
  return ThrowawaySchema(std::move(name), std::move(connect));
}

std::string ThrowawaySchema::drop() const noexcept {
  const std::string statement = "DROP SCHEMA IF EXISTS \"" + name_ + "\" CASCADE";
  if (config_.is_null()) {
    return "the fixture tables are in schema " + name_ +
           ", which chorus cannot drop for this target: run " + statement;
  }
  try {
    pg::Connection connection(pg::connection_settings(config_), "chorus test");
    connection.execute(statement);
    return "the fixture tables were created in the throwaway schema " + name_ +
           ", dropped afterwards";
  } catch (const std::exception &error) {
    return "the fixture tables are in schema " + name_ + ", which could not be dropped (" +
           error.what() + "): run " + statement;
  }
}

}  // namespace chorus::host::conformance
