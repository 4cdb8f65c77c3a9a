#include "pipeline/pipeline_config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string_view>

#include "chorus/plugin/named_values.h"
#include "state/state_store.h"

namespace chorus::host {
namespace fs = std::filesystem;
namespace {

constexpr Named<MemberRole> kRoleNames[] = {
    {MemberRole::Tap, "tap"}, {MemberRole::Mapper, "mapper"}, {MemberRole::Target, "target"}};

nlohmann::json plain_scalar(const std::string &text) {
  static const std::regex integer(R"([-+]?[0-9]+)");
  static const std::regex decimal(
      R"([-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?|[-+]?[0-9]+[eE][-+]?[0-9]+)");
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") {
    return nullptr;
  }
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  if (std::regex_match(text, integer)) {
    errno = 0;
    long long value = std::strtoll(text.c_str(), nullptr, 10);
    if (errno == 0) return value;
  }
  if (std::regex_match(text, decimal)) return std::strtod(text.c_str(), nullptr);
  return text;
}

std::string context_of(const fs::path &file, const std::string &key) {
  return "pipeline file " + file.string() + ": " + key;
}

// Refuses a key of `node` that is not one of `known`, naming it under `parent` ("tap.", or ""
// at the top) and listing the known ones.
void refuse_unknown_keys(const nlohmann::json &node, std::initializer_list<std::string_view> known,
                         const fs::path &file, const std::string &parent) {
  for (const auto &item : node.items()) {
    if (std::find(known.begin(), known.end(), item.key()) != known.end()) continue;
    std::string names;
    for (std::string_view name : known) names += (names.empty() ? "" : ", ") + std::string(name);
    throw std::runtime_error(context_of(file, parent + item.key()) + " is not a known key (" +
                             names + ")");
  }
}

MemberSpec read_member(const nlohmann::json &node, MemberRole role, const std::string &key,
                       const fs::path &file, const fs::path &base_dir) {
  if (!node.is_object()) {
    throw std::runtime_error(context_of(file, key) +
                             " must be a mapping with `plugin:` or `executable:`");
  }
  refuse_unknown_keys(node, {"plugin", "executable", "args", "config", "select"}, file, key + ".");
  MemberSpec member;
  member.role = role;
  if (node.contains("plugin")) member.plugin = node["plugin"].get<std::string>();
  if (node.contains("executable")) member.executable = node["executable"].get<std::string>();
  if (member.plugin.empty() == member.executable.empty()) {
    throw std::runtime_error(context_of(file, key) +
                             " needs exactly one of `plugin:` and `executable:`");
  }
  // A path relative to the pipeline file; a bare name is looked up on the plugin path / PATH.
  auto anchor = [&](std::string &value) {
    if (value.find('/') != std::string::npos && fs::path(value).is_relative()) {
      value = (base_dir / value).lexically_normal().string();
    }
  };
  anchor(member.plugin);
  anchor(member.executable);
  if (node.contains("args")) {
    if (!node["args"].is_array())
      throw std::runtime_error(context_of(file, key + ".args") + " must be a list");
    for (const auto &arg : node["args"]) {
      member.args.push_back(arg.is_string() ? arg.get<std::string>() : arg.dump());
    }
  }
  if (node.contains("config")) {
    member.config = node["config"];
    if (member.config.is_null()) member.config = nlohmann::json::object();
    if (!member.config.is_object()) {
      throw std::runtime_error(context_of(file, key + ".config") + " must be a mapping");
    }
  }
  if (node.contains("select")) {
    if (role != MemberRole::Tap) {
      throw std::runtime_error(context_of(file, key + ".select") + " is only allowed on the tap");
    }
    for (const auto &pattern : node["select"]) member.select.push_back(pattern.get<std::string>());
  }
  return member;
}

}  // namespace

std::string role_name(MemberRole role) { return std::string(name_of(kRoleNames, role, "member")); }

std::string MemberSpec::display_name() const {
  if (!plugin.empty()) {
    fs::path path(plugin);
    return plugin.find('/') != std::string::npos ? path.stem().string() : plugin;
  }
  return fs::path(executable).filename().string();
}

namespace {

// YAML aliases let a few lines name a tree that is exponentially large once expanded (the
// "billion laughs"); a pipeline never needs more than a small fraction of this many values.
constexpr std::size_t kMaxPipelineValues = 100000;
// An alias inside the node it names (`&a [x, *a]`) makes a cycle: without a depth limit its
// expansion would exhaust the stack long before the value budget.
constexpr std::size_t kMaxPipelineDepth = 64;

nlohmann::json yaml_to_json_within(const YAML::Node &node, const EnvironmentLookup &lookup,
                                   std::size_t &values_left, std::size_t depth) {
  if (values_left == 0) {
    throw std::runtime_error("holds more than " + std::to_string(kMaxPipelineValues) +
                             " values once its YAML aliases are expanded; refused");
  }
  if (depth > kMaxPipelineDepth) {
    throw std::runtime_error("nests deeper than " + std::to_string(kMaxPipelineDepth) +
                             " levels (a YAML alias inside the node it names?); refused");
  }
  --values_left;
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      nlohmann::json object = nlohmann::json::object();
      for (const auto &entry : node) {
        object[entry.first.as<std::string>()] =
            yaml_to_json_within(entry.second, lookup, values_left, depth + 1);
      }
      return object;
    }
    case YAML::NodeType::Sequence: {
      nlohmann::json array = nlohmann::json::array();
      for (const auto &item : node) {
        array.push_back(yaml_to_json_within(item, lookup, values_left, depth + 1));
      }
      return array;
    }
    case YAML::NodeType::Scalar: {
      std::string text = interpolate_env(node.Scalar(), lookup);
      // yaml-cpp tags plain (unquoted) scalars "?" and quoted ones "!".
      if (node.Tag() == "!") return text;
      return plain_scalar(text);
    }
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
  }
  return nullptr;
}

}  // namespace

nlohmann::json yaml_to_json(const YAML::Node &node, const EnvironmentLookup &lookup) {
  std::size_t values_left = kMaxPipelineValues;
  return yaml_to_json_within(node, lookup, values_left, 0);
}

PipelineSpec load_pipeline_file(const fs::path &file, const EnvironmentLookup &lookup) {
  const fs::path absolute = fs::absolute(file).lexically_normal();
  nlohmann::json root;
  try {
    root = yaml_to_json(YAML::LoadFile(absolute.string()), lookup);
  } catch (const YAML::BadFile &) {
    throw std::runtime_error("pipeline file " + file.string() + " cannot be read");
  } catch (const YAML::Exception &e) {
    throw std::runtime_error("pipeline file " + file.string() + " is not valid YAML: " + e.what());
  } catch (const std::runtime_error &e) {
    throw std::runtime_error("pipeline file " + file.string() + ": " + e.what());
  }
  if (!root.is_object()) {
    throw std::runtime_error("pipeline file " + file.string() + " must be a YAML mapping");
  }
  refuse_unknown_keys(root,
                      {"name", "state", "state_s3_endpoint", "state_s3_region", "state_lock_lease",
                       "tap", "mappers", "target"},
                      file, "");
  PipelineSpec spec;
  spec.base_dir = absolute.parent_path();
  spec.name = root.contains("name") && root["name"].is_string() ? root["name"].get<std::string>()
                                                                : absolute.stem().string();
  if (!root.contains("tap")) throw std::runtime_error(context_of(file, "tap") + " is missing");
  if (!root.contains("target")) {
    throw std::runtime_error(context_of(file, "target") + " is missing");
  }
  try {
    spec.members.push_back(read_member(root["tap"], MemberRole::Tap, "tap", file, spec.base_dir));
    if (root.contains("mappers") && !root["mappers"].is_null()) {
      if (!root["mappers"].is_array()) {
        throw std::runtime_error(context_of(file, "mappers") + " must be a list");
      }
      int index = 0;
      for (const auto &mapper : root["mappers"]) {
        spec.members.push_back(read_member(mapper, MemberRole::Mapper,
                                           "mappers[" + std::to_string(index++) + "]", file,
                                           spec.base_dir));
      }
    }
    spec.members.push_back(
        read_member(root["target"], MemberRole::Target, "target", file, spec.base_dir));
  } catch (const nlohmann::json::exception &e) {
    throw std::runtime_error("pipeline file " + file.string() + ": " + e.what());
  }
  if (root.contains("state") && (!root["state"].is_string() || root["state"] == "")) {
    throw std::runtime_error(context_of(file, "state") +
                             " must be a file path (relative to the pipeline file's folder) or "
                             "an s3:// or postgresql:// URL; leave it out for .chorus/" +
                             spec.name + ".state.json");
  }
  for (const char *key : {"state_s3_endpoint", "state_s3_region"}) {
    if (root.contains(key) && !root[key].is_string()) {
      throw std::runtime_error(context_of(file, key) + " must be a string");
    }
  }
  spec.state_s3_endpoint = root.value("state_s3_endpoint", std::string());
  spec.state_s3_region = root.value("state_s3_region", std::string());
  if (root.contains("state_lock_lease")) {
    // At least 3 s: the holder renews every third of the lease, and a renewal takes a request.
    const nlohmann::json &lease = root["state_lock_lease"];
    if (!lease.is_number_integer() || lease.get<long long>() < 3 ||
        lease.get<long long>() > 86400) {
      throw std::runtime_error(context_of(file, "state_lock_lease") +
                               " must be a whole number of seconds from 3 to 86400 (the S3 "
                               "state lock's lease; default " +
                               std::to_string(kStateLeaseSeconds) + ")");
    }
    spec.state_lock_lease = lease.get<int>();
  }
  const std::string state = root.value("state", std::string());
  if (is_state_url(state)) {
    spec.state_location = state;
  } else {
    const fs::path path = state.empty()
                              ? fs::path(".chorus") / (spec.name + ".state.json")
                              : fs::path(state.rfind("file://", 0) == 0 ? state.substr(7) : state);
    spec.state_location = (spec.base_dir / path).lexically_normal().string();
  }
  return spec;
}

nlohmann::json read_json_file(const fs::path &file, const std::string &what) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error(what + " file " + file.string() + " cannot be read");
  std::stringstream text;
  text << in.rdbuf();
  try {
    return nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::exception &e) {
    throw std::runtime_error(what + " file " + file.string() + " is not valid JSON: " + e.what());
  }
}

std::pair<std::string, nlohmann::json> parse_config_option(const std::string &option) {
  auto equals = option.find('=');
  if (equals == std::string::npos || equals == 0) {
    throw std::runtime_error("--config " + option +
                             ": expected NAME=FILE or NAME='{\"key\": \"value\"}'");
  }
  std::string name = option.substr(0, equals);
  std::string value = option.substr(equals + 1);
  auto first = value.find_first_not_of(" \t");
  if (first != std::string::npos && value[first] == '{') {
    try {
      return {name, nlohmann::json::parse(value)};
    } catch (const nlohmann::json::exception &e) {
      throw std::runtime_error("--config " + name + ": inline JSON is not valid: " + e.what());
    }
  }
  return {name, read_json_file(value, "config")};
}

}  // namespace chorus::host
