// Stream maps in every SDK tap and target, as in the Meltano SDK: CHORUS_PLUGIN adds the
// settings and the capabilities "stream-maps" and "schema-flattening" to their `about`, and
// the SDK runs the maps after a tap's own logic and before a target's sinks.
#pragma once

#include <functional>
#include <string>

#include "chorus/plugin/context.h"
#include "chorus/plugin/settings.h"

namespace chorus::maps {

// `info` with the stream map settings (those it does not declare itself) and capabilities.
PluginInfo with_stream_maps(PluginInfo info);

// Runs `body` (the tap's sync, writing to the fd it is given) with its output mapped onto
// `out_fd` when `config` asks for stream maps; else runs it on `out_fd` directly.
// The maps run on a thread of their own between two ends of a pipe.
void run_tap_mapped(const PluginContext &context, const nlohmann::json &config,
                    const std::string &plugin, int out_fd, const std::function<void(int)> &body);
// The same for a target: `body` reads the mapped input from the fd it is given.
void run_target_mapped(const PluginContext &context, const nlohmann::json &config,
                       const std::string &plugin, int in_fd, const std::function<void(int)> &body);

}  // namespace chorus::maps
