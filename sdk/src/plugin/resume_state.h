// The state a tap resumes from, whichever way its runner framed it.
#pragma once

#include <nlohmann/json.hpp>

#include "chorus/plugin/context.h"

namespace chorus::detail {

// `document` as handed to the tap: the state value itself ({"bookmarks": {...}}), or a whole
// STATE message ({"type": "STATE", "value": {...}}, e.g. a tap's last output line kept as the
// state). Both are ordinary and yield the value.
//
// A runner that stores whatever a target prints and hands it back as --state nests STATE
// messages one level deeper on every run when the target prints whole messages and the tap
// does not unwrap them (Meltano with such a target and tap). Each level may also carry the
// bookmarks that run's tap wrote beside the wrapper it did not understand; those are newer than
// what the wrapper holds, so they are laid over it (outermost last, per stream). Nesting is
// unwrapped with a warning on `context`, so that the bookmarks inside are not lost.
// Null stays null.
nlohmann::json resume_state(nlohmann::json document, const PluginContext &context);

}  // namespace chorus::detail
