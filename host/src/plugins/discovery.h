// A tap's catalog, from a chorus plugin (in process or isolated) or an external executable.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "pipeline/metrics.h"
#include "pipeline/pipeline_config.h"
#include "plugins/plugin_library.h"

namespace chorus::host {

// The raw catalog text a plugin writes from discover(). Throws PluginError.
std::string discover_text(const std::shared_ptr<PluginLibrary> &library,
                          const nlohmann::json &config, bool isolate,
                          MetricsCollector *metrics = nullptr);

// The tap member's catalog as JSON. Throws, naming the tap, when discovery fails or the output
// is not a JSON object.
nlohmann::json discover_catalog(const MemberSpec &tap, bool isolate,
                                MetricsCollector *metrics = nullptr);

}  // namespace chorus::host
