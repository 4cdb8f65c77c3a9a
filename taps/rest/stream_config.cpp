#include "stream_config.h"

#include <algorithm>
#include <set>

#include "chorus/plugin/errors.h"

namespace tap_rest {
namespace {

std::map<std::string, std::string> string_map(const nlohmann::json &object) {
  std::map<std::string, std::string> out;
  if (!object.is_object()) return out;
  for (const auto &item : object.items()) {
    out[item.key()] =
        item.value().is_string() ? item.value().get<std::string>() : item.value().dump();
  }
  return out;
}

std::string text(const nlohmann::json &object, const char *key) {
  auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

}  // namespace

std::vector<chorus::http::RestStreamSpec> stream_specs(const nlohmann::json &config) {
  std::vector<chorus::http::RestStreamSpec> specs;
  std::set<std::string> names;
  const nlohmann::json &streams = config.at("streams");
  if (streams.empty())
    throw chorus::ConfigError("setting 'streams' is empty; declare at least one stream");
  for (std::size_t i = 0; i < streams.size(); ++i) {
    const nlohmann::json &stream = streams[i];
    chorus::http::RestStreamSpec spec;
    spec.name = text(stream, "name");
    const std::string where = "streams[" + std::to_string(i) + "] ('" + spec.name + "')";
    if (spec.name.empty()) throw chorus::ConfigError(where + ": 'name' must not be empty");
    if (!names.insert(spec.name).second) {
      throw chorus::ConfigError(where + ": another stream is already called '" + spec.name + "'");
    }
    spec.url_base = text(config, "api_url");
    spec.path = text(stream, "path");
    spec.params = string_map(config.value("params", nlohmann::json::object()));
    for (auto &[key, value] : string_map(stream.value("params", nlohmann::json::object()))) {
      spec.params[key] = value;
    }
    spec.headers = string_map(config.value("headers", nlohmann::json::object()));
    for (auto &[key, value] : string_map(stream.value("headers", nlohmann::json::object()))) {
      spec.headers[key] = value;
    }
    if (auto path = text(stream, "records_path"); !path.empty()) spec.records_path = path;
    if (stream.contains("primary_keys")) {
      spec.primary_keys = stream["primary_keys"].get<std::vector<std::string>>();
    }
    spec.replication_key = text(stream, "replication_key");
    spec.replication_param = text(stream, "replication_param");
    if (!spec.replication_param.empty() && spec.replication_key.empty()) {
      throw chorus::ConfigError(where + ": 'replication_param' needs a 'replication_key'");
    }
    spec.start_value = text(config, "start_date");
    spec.is_sorted = stream.value("is_sorted", false);
    spec.pagination = stream.contains("pagination") ? stream["pagination"]
                                                    : config.value("pagination", nlohmann::json());
    spec.schema = stream.value("schema", nlohmann::json());
    spec.max_pages = stream.value("max_pages", config.value("max_pages", spec.max_pages));
    spec.allow_empty = stream.value("allow_empty", config.value("allow_empty", spec.allow_empty));
    spec.context = string_map(stream.value("context", nlohmann::json::object()));
    spec.parent_stream = text(stream, "parent_stream");
    if (spec.parent_stream.empty() != spec.context.empty()) {
      throw chorus::ConfigError(where +
                                ": 'parent_stream' and 'context' go together (the context "
                                "names the parent record's properties a child stream needs)");
    }
    try {
      chorus::http::make_paginator(spec.pagination);  // reject a bad pagination before any request
    } catch (const chorus::ConfigError &error) {
      throw chorus::ConfigError(where + ": " + error.what());
    }
    specs.push_back(std::move(spec));
  }
  for (const auto &spec : specs) {
    // Walk up the parents: each must exist, and none may lead back to the stream.
    std::set<std::string> seen{spec.name};
    for (std::string parent = spec.parent_stream; !parent.empty();) {
      auto found = std::find_if(specs.begin(), specs.end(),
                                [&](const auto &other) { return other.name == parent; });
      if (found == specs.end()) {
        throw chorus::ConfigError("stream '" + spec.name + "': its parent_stream '" + parent +
                                  "' is not one of the streams");
      }
      if (!seen.insert(parent).second) {
        throw chorus::ConfigError("stream '" + spec.name +
                                  "': its parent_stream chain comes back to '" + parent + "'");
      }
      parent = found->parent_stream;
    }
  }
  return specs;
}

}  // namespace tap_rest
