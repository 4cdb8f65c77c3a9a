#include "pipeline/pipeline_state.h"

#include <filesystem>

namespace chorus::host {

std::unique_ptr<StateStore> open_pipeline_state(const PipelineSpec &spec) {
  if (spec.state_location.empty()) return nullptr;
  StateStoreOptions options;
  options.state_id = spec.name;
  options.s3_endpoint = spec.state_s3_endpoint;
  options.s3_region = spec.state_s3_region;
  return open_state_store(spec.state_location, options);
}

std::string state_location_option(const std::string &given) {
  if (given.find("://") != std::string::npos) return given;
  return std::filesystem::absolute(given).lexically_normal().string();
}

}  // namespace chorus::host
