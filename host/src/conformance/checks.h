// The checks of the conformance suite, by what they look at. Each group is defined in the file
// of its name: about_checks.cpp, tap_checks.cpp, target_checks.cpp, mapper_checks.cpp.
#pragma once

#include <filesystem>
#include <memory>
#include <nlohmann/json_fwd.hpp>

#include "conformance/report.h"
#include "plugins/plugin_library.h"

namespace chorus::host::conformance {

// about is valid JSON with name/kind/version/capabilities/settings; settings is a JSON Schema
// object with typed properties; settings that look secret are flagged secret.
void check_about(const PluginLibrary &library, Report &report);

// Discovery gives a valid Singer catalog; a sync succeeds, its records match their schemas, its
// final STATE is a JSON object, and a second run from that state succeeds and resumes.
void check_tap(const std::shared_ptr<PluginLibrary> &library, const nlohmann::json &config,
               const std::filesystem::path &scratch, Report &report);

// The fixture streams: the bad ones must fail naming the line, the good ones must load and echo
// the input's final STATE.
void check_target(const std::shared_ptr<PluginLibrary> &library, const nlohmann::json &config,
                  const std::filesystem::path &fixtures, const std::filesystem::path &scratch,
                  Report &report);

// The good fixture streams map, with every RECORD after its stream's SCHEMA and the input's
// STATEs passed on unchanged and in order; malformed JSON fails naming the line.
void check_mapper(const std::shared_ptr<PluginLibrary> &library, const nlohmann::json &config,
                  const std::filesystem::path &fixtures, const std::filesystem::path &scratch,
                  Report &report);

}  // namespace chorus::host::conformance
