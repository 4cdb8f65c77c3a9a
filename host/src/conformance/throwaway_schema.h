// The throwaway schema `chorus test` loads a SQL target's fixture tables into, so that the
// suite never writes into the schema the user's config names, and leaves nothing behind.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "plugins/plugin_library.h"

namespace chorus::host::conformance {

class ThrowawaySchema {
 public:
  // For a target with a `default_target_schema` setting: a fresh schema name, written into
  // `config`. nullopt for targets without one (file targets write below the scratch folder).
  static std::optional<ThrowawaySchema> for_target(const PluginLibrary &library,
                                                   nlohmann::json &config);

  const std::string &name() const { return name_; }
  // Drops the schema with everything in it. Over PostgreSQL's protocol (target-postgres,
  // target-redshift with a password) the suite does it itself; otherwise the returned text
  // says what to run. Returns what happened, for the user; never throws.
  std::string drop() const noexcept;

 private:
  ThrowawaySchema(std::string name, nlohmann::json config)
      : name_(std::move(name)), config_(std::move(config)) {}
  std::string name_;
  nlohmann::json config_;  // the target's, to connect with
};

}  // namespace chorus::host::conformance
