#include "stream_config.h"

#include <algorithm>
#include <set>

#include "chorus/plugin/errors.h"
#include "settings.h"

namespace chorus::tap_rest {
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

}  // namespace

std::vector<chorus::http::RestStreamSpec> stream_specs(const nlohmann::json &config) {
  std::vector<chorus::http::RestStreamSpec> specs;
  std::set<std::string> names;
  const nlohmann::json streams = kStreams.read(config);
  if (streams.empty())
    throw chorus::ConfigError("setting 'streams' is empty; declare at least one stream");
  for (std::size_t i = 0; i < streams.size(); ++i) {
    const nlohmann::json &stream = streams[i];
    using namespace stream_setting;
    chorus::http::RestStreamSpec spec;
    spec.name = kName.read(stream);
    const std::string where = "streams[" + std::to_string(i) + "] ('" + spec.name + "')";
    if (spec.name.empty()) throw chorus::ConfigError(where + ": 'name' must not be empty");
    if (!names.insert(spec.name).second) {
      throw chorus::ConfigError(where + ": another stream is already called '" + spec.name + "'");
    }
    spec.url_base = kApiUrl.read(config);
    spec.path = kPath.read(stream);
    spec.params = string_map(chorus::tap_rest::kParams.read(config));
    for (auto &[key, value] : string_map(stream_setting::kParams.read(stream))) {
      spec.params[key] = value;
    }
    spec.headers = string_map(chorus::tap_rest::kHeaders.read(config));
    for (auto &[key, value] : string_map(stream_setting::kHeaders.read(stream))) {
      spec.headers[key] = value;
    }
    if (auto path = kRecordsPath.read(stream); !path.empty()) spec.records_path = path;
    spec.primary_keys = kPrimaryKeys.read(stream);
    spec.replication_key = kReplicationKey.read(stream);
    spec.replication_param = kReplicationParam.read(stream);
    if (!spec.replication_param.empty() && spec.replication_key.empty()) {
      throw chorus::ConfigError(where + ": 'replication_param' needs a 'replication_key'");
    }
    spec.start_value = kStartDate.read(config);
    spec.is_sorted = kIsSorted.read(stream);
    spec.pagination = stream_setting::kPagination.find(stream).value_or(
        chorus::tap_rest::kPagination.find(config).value_or(nlohmann::json()));
    spec.schema = kSchema.find(stream).value_or(nlohmann::json());
    spec.max_pages =
        kMaxPages.find(stream).value_or(kMaxPages.find(config).value_or(spec.max_pages));
    spec.allow_empty =
        kAllowEmpty.find(stream).value_or(kAllowEmpty.find(config).value_or(spec.allow_empty));
    spec.context = string_map(kContext.read(stream));
    spec.parent_stream = kParentStream.read(stream);
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

}  // namespace chorus::tap_rest
