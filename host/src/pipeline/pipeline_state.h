// The state store of a pipeline: its `state:` location with the pipeline's name and S3 settings.
#pragma once

#include <memory>

#include "pipeline/pipeline_config.h"
#include "state/state_store.h"

namespace chorus::host {

// Null when the pipeline keeps no state.
std::unique_ptr<StateStore> open_pipeline_state(const PipelineSpec &spec);

// What `--state X` on the command line means: a URL as given, a path relative to the current
// folder.
std::string state_location_option(const std::string &given);

}  // namespace chorus::host
