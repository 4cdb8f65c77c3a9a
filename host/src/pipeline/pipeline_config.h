// A pipeline: a tap, mappers and a target, each a chorus plugin or an external Singer
// executable, from a YAML file (see docs) or from the `chorus run` command line.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "pipeline/env_interpolation.h"

namespace YAML {
class Node;
}

namespace chorus::host {

enum class MemberRole { Tap, Mapper, Target };
std::string role_name(MemberRole role);

struct MemberSpec {
  MemberRole role = MemberRole::Tap;
  std::string plugin;      // a chorus plugin name or .so path; empty for an executable
  std::string executable;  // an external Singer executable (PATH name or path)
  std::vector<std::string> args;
  nlohmann::json config = nlohmann::json::object();
  std::vector<std::string> select;  // taps: stream names or "stream.property" patterns

  bool is_executable() const { return !executable.empty(); }
  // The name logs and errors use: the plugin's name or the executable's file name.
  std::string display_name() const;
};

struct PipelineSpec {
  std::string name;
  // Where the state lives: an absolute file path once loaded, or a store's URL (s3://,
  // postgresql://); empty: no state kept.
  std::string state_location;
  std::string state_s3_endpoint;  // `state_s3_endpoint:`, for an S3-compatible store
  std::string state_s3_region;    // `state_s3_region:`
  int state_lock_lease = 0;       // `state_lock_lease:` (S3 lease seconds); 0: the default
  // A state of its own beside the pipeline's, named with this part ("slice-2-of-4"): the
  // states of a partitioned run. Empty: the pipeline's state.
  std::string state_part;
  std::filesystem::path base_dir;   // where relative paths in plugin configs are resolved
  std::vector<MemberSpec> members;  // tap, mappers..., target
};

// YAML to JSON, interpolating ${VAR} in every string. Scalars that YAML would read as numbers or
// booleans (unquoted 10, true) become JSON numbers and booleans; quoted ones stay strings.
nlohmann::json yaml_to_json(const YAML::Node &node, const EnvironmentLookup &lookup);

// Reads and checks a pipeline file. Throws std::runtime_error naming the file and the key.
PipelineSpec load_pipeline_file(const std::filesystem::path &file,
                                const EnvironmentLookup &lookup = process_environment);

// `--config NAME=FILE` or `--config NAME='{"k":"v"}'`: returns {NAME, config}. Throws.
std::pair<std::string, nlohmann::json> parse_config_option(const std::string &option);

// A JSON config file (or "-" for none). Throws naming the file.
nlohmann::json read_json_file(const std::filesystem::path &file, const std::string &what);

}  // namespace chorus::host
