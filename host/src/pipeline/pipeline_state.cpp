#include "pipeline/pipeline_state.h"

#include <filesystem>

namespace chorus::host {

namespace {

bool ends_with(const std::string &text, const std::string &end) {
  return text.size() >= end.size() && text.compare(text.size() - end.size(), end.size(), end) == 0;
}

// `location` with `part` in the state's name: "orders.state.json" -> "orders.PART.state.json",
// "x.json" -> "x.PART.json", a ?state_id=X parameter -> X.PART. Empty when the location names
// its state through the pipeline's name (an S3 prefix, a postgresql:// URL without state_id).
std::string location_with_part(const std::string &location, const std::string &part) {
  const bool postgres = location.rfind("postgres", 0) == 0;
  if (postgres || ends_with(location, "/")) {
    const auto id = location.find("state_id=");
    if (!postgres || id == std::string::npos) return "";
    const auto end = location.find('&', id);
    const std::size_t at = end == std::string::npos ? location.size() : end;
    return location.substr(0, at) + "." + part + location.substr(at);
  }
  for (const char *extension : {".state.json", ".json"}) {
    if (ends_with(location, extension)) {
      const std::size_t at = location.size() - std::string(extension).size();
      return location.substr(0, at) + "." + part + location.substr(at);
    }
  }
  return location + "." + part;
}

}  // namespace

std::unique_ptr<StateStore> open_pipeline_state(const PipelineSpec &spec) {
  if (spec.state_location.empty()) return nullptr;
  StateStoreOptions options;
  options.state_id = spec.name;
  options.s3_endpoint = spec.state_s3_endpoint;
  options.s3_region = spec.state_s3_region;
  if (spec.state_lock_lease > 0) options.lock_lease_seconds = spec.state_lock_lease;
  std::string location = spec.state_location;
  if (!spec.state_part.empty()) {
    const std::string with_part = location_with_part(location, spec.state_part);
    if (with_part.empty()) {
      options.state_id += "." + spec.state_part;
    } else {
      location = with_part;
    }
  }
  return open_state_store(location, options);
}

std::string state_location_option(const std::string &given) {
  if (given.find("://") != std::string::npos) return given;
  return std::filesystem::absolute(given).lexically_normal().string();
}

}  // namespace chorus::host
