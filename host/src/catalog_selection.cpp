#include "catalog_selection.h"

#include <fnmatch.h>

#include <map>
#include <set>
#include <stdexcept>

namespace chorus::host {
namespace {

bool matches(const std::string &pattern, const std::string &name) {
  return ::fnmatch(pattern.c_str(), name.c_str(), 0) == 0;
}

std::string stream_name(const nlohmann::json &stream) {
  if (stream.contains("tap_stream_id") && stream["tap_stream_id"].is_string()) {
    return stream["tap_stream_id"].get<std::string>();
  }
  return stream.value("stream", "");
}

// The metadata entry for `breadcrumb`, created when missing.
nlohmann::json &metadata_for(nlohmann::json &stream, const nlohmann::json &breadcrumb) {
  if (!stream.contains("metadata") || !stream["metadata"].is_array()) {
    stream["metadata"] = nlohmann::json::array();
  }
  for (auto &entry : stream["metadata"]) {
    if (entry.value("breadcrumb", nlohmann::json::array()) == breadcrumb) {
      if (!entry.contains("metadata") || !entry["metadata"].is_object()) {
        entry["metadata"] = nlohmann::json::object();
      }
      return entry["metadata"];
    }
  }
  stream["metadata"].push_back(
      {{"breadcrumb", breadcrumb}, {"metadata", nlohmann::json::object()}});
  return stream["metadata"].back()["metadata"];
}

}  // namespace

nlohmann::json select_streams(nlohmann::json catalog, const std::vector<std::string> &patterns) {
  if (!catalog.is_object() || !catalog.contains("streams") || !catalog["streams"].is_array()) {
    throw std::runtime_error("the tap's catalog has no \"streams\" list");
  }
  // stream pattern -> property patterns (empty: every property)
  std::vector<std::pair<std::string, std::string>> parsed;
  for (const auto &pattern : patterns) {
    auto dot = pattern.find('.');
    parsed.emplace_back(pattern.substr(0, dot),
                        dot == std::string::npos ? std::string() : pattern.substr(dot + 1));
  }
  std::set<std::size_t> used;
  std::string available;
  for (auto &stream : catalog["streams"]) {
    const std::string name = stream_name(stream);
    available += (available.empty() ? "" : ", ") + name;
    bool selected = false;
    bool whole_stream = false;
    std::vector<std::string> properties;
    for (std::size_t i = 0; i < parsed.size(); ++i) {
      if (!matches(parsed[i].first, name)) continue;
      used.insert(i);
      selected = true;
      if (parsed[i].second.empty()) {
        whole_stream = true;
      } else {
        properties.push_back(parsed[i].second);
      }
    }
    metadata_for(stream, nlohmann::json::array())["selected"] = selected;
    if (!selected) continue;
    const auto schema_properties =
        stream.contains("schema") && stream["schema"].is_object()
            ? stream["schema"].value("properties", nlohmann::json::object())
            : nlohmann::json::object();
    for (const auto &[property, unused] : schema_properties.items()) {
      (void)unused;
      auto &metadata = metadata_for(stream, nlohmann::json::array({"properties", property}));
      bool keep = whole_stream || metadata.value("inclusion", "") == "automatic";
      for (const auto &pattern : properties) keep = keep || matches(pattern, property);
      metadata["selected"] = keep;
    }
  }
  for (std::size_t i = 0; i < parsed.size(); ++i) {
    if (!used.count(i)) {
      throw std::runtime_error("--select " + patterns[i] + " matches no stream of the tap; its " +
                               "streams are: " + (available.empty() ? "(none)" : available));
    }
  }
  return catalog;
}

}  // namespace chorus::host
