// A plugin's config from the --config sources of a Singer command line: JSON files and ENV,
// merged in order as the Meltano SDK merges them (each source's keys replace earlier ones).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/env_interpolation.h"

namespace chorus::host {

// The environment variable that holds `setting` of `plugin`, named as the Meltano SDK names it:
// the plugin name upper-cased with '-' as '_', then '_', then the setting upper-cased with '-'
// as '_' ("tap-csv", "files" -> "TAP_CSV_FILES").
std::string setting_environment_variable(std::string_view plugin, std::string_view setting);

// The settings of `settings_schema` (its top-level properties) that have an environment
// variable. A value is read by the setting's type: a list of strings is split on commas (a
// bracketed list is refused, as the Meltano SDK refuses it); integer, number and boolean
// (true/false, 1/0) settings are parsed and refused when they do not parse; other lists and
// objects are JSON; anything else is the text as is. Throws std::runtime_error naming the
// variable. Variables that match no setting are ignored (runners set many of their own).
nlohmann::json config_from_environment(std::string_view plugin,
                                       const nlohmann::json &settings_schema,
                                       const EnvironmentLookup &lookup);

// Merges `sources` in order: "ENV" is config_from_environment, anything else a JSON file
// holding an object. Throws std::runtime_error naming the source.
nlohmann::json merge_config_sources(const std::vector<std::string> &sources,
                                    std::string_view plugin, const nlohmann::json &settings_schema,
                                    const EnvironmentLookup &lookup);

}  // namespace chorus::host
