#include "plugins/catalog_selection.h"

#include <fnmatch.h>

#include <stdexcept>

#include "chorus/plugin/did_you_mean.h"

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

std::vector<std::string> property_names(const nlohmann::json &stream) {
  std::vector<std::string> names;
  if (!stream.contains("schema") || !stream["schema"].is_object()) return names;
  const auto properties = stream["schema"].value("properties", nlohmann::json::object());
  for (const auto &property : properties.items()) names.push_back(property.key());
  return names;
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

std::string joined(const std::vector<std::string> &names) {
  std::string out;
  for (const std::string &name : names) out += (out.empty() ? "" : ", ") + name;
  return out.empty() ? "(none)" : out;
}

struct Pattern {
  std::string text;  // as the user wrote it
  bool exclude = false;
  std::string stream;
  std::string property;  // empty or "*": the whole stream
  bool matched_stream = false;
  bool matched_property = false;
  std::vector<std::string> properties_seen;  // of the streams it matched, for the hint

  bool whole_stream() const { return property.empty() || property == "*"; }
};

Pattern parse(const std::string &text) {
  Pattern pattern;
  pattern.text = text;
  std::string rest = text;
  if (!rest.empty() && rest.front() == '!') {
    pattern.exclude = true;
    rest.erase(0, 1);
  }
  const auto dot = rest.find('.');
  pattern.stream = rest.substr(0, dot);
  if (dot != std::string::npos) pattern.property = rest.substr(dot + 1);
  if (pattern.stream.empty() || (dot != std::string::npos && pattern.property.empty())) {
    throw std::runtime_error("select pattern '" + text +
                             "' is not STREAM, STREAM.PROPERTY or !STREAM.PROPERTY");
  }
  return pattern;
}

}  // namespace

nlohmann::json select_streams(nlohmann::json catalog, const std::vector<std::string> &texts) {
  if (!catalog.is_object() || !catalog.contains("streams") || !catalog["streams"].is_array()) {
    throw std::runtime_error("the tap's catalog has no \"streams\" list");
  }
  std::vector<Pattern> patterns;
  bool any_inclusion = false;
  for (const std::string &text : texts) {
    patterns.push_back(parse(text));
    any_inclusion |= !patterns.back().exclude;
  }
  std::vector<std::string> streams;
  for (auto &stream : catalog["streams"]) {
    const std::string name = stream_name(stream);
    streams.push_back(name);
    const std::vector<std::string> properties = property_names(stream);
    bool stream_selected = !any_inclusion;
    bool whole_stream = !any_inclusion;
    std::vector<Pattern *> included_properties;
    for (Pattern &pattern : patterns) {
      if (pattern.exclude || !matches(pattern.stream, name)) continue;
      pattern.matched_stream = true;
      stream_selected = true;
      if (pattern.whole_stream()) {
        whole_stream = true;
      } else {
        included_properties.push_back(&pattern);
      }
    }
    std::vector<bool> keep(properties.size(), false);
    for (std::size_t i = 0; i < properties.size(); ++i) {
      auto &metadata = metadata_for(stream, nlohmann::json::array({"properties", properties[i]}));
      keep[i] = whole_stream || metadata.value("inclusion", "") == "automatic";
      for (Pattern *pattern : included_properties) {
        if (!matches(pattern->property, properties[i])) continue;
        keep[i] = true;
        pattern->matched_property = true;
      }
    }
    for (Pattern &pattern : patterns) {
      if (!pattern.exclude || !matches(pattern.stream, name)) continue;
      pattern.matched_stream = true;
      if (pattern.whole_stream()) {
        stream_selected = false;
        continue;
      }
      for (std::size_t i = 0; i < properties.size(); ++i) {
        if (!matches(pattern.property, properties[i])) continue;
        pattern.matched_property = true;
        auto &metadata = metadata_for(stream, nlohmann::json::array({"properties", properties[i]}));
        if (metadata.value("inclusion", "") == "automatic") {
          throw std::runtime_error("select pattern '" + pattern.text + "' excludes " + name + "." +
                                   properties[i] +
                                   ", which the tap always sends (inclusion: automatic, such as "
                                   "a key); exclude the stream, or drop the property with a "
                                   "mapper");
        }
        keep[i] = false;
      }
    }
    for (Pattern &pattern : patterns) {
      if (matches(pattern.stream, name)) {
        pattern.properties_seen.insert(pattern.properties_seen.end(), properties.begin(),
                                       properties.end());
      }
    }
    metadata_for(stream, nlohmann::json::array())["selected"] = stream_selected;
    for (std::size_t i = 0; i < properties.size(); ++i) {
      metadata_for(stream, nlohmann::json::array({"properties", properties[i]}))["selected"] =
          stream_selected && keep[i];
    }
  }
  for (const Pattern &pattern : patterns) {
    if (!pattern.matched_stream) {
      throw std::runtime_error(
          "select pattern '" + pattern.text + "' matches no stream of the tap" +
          did_you_mean(pattern.stream, streams) + "; its streams are: " + joined(streams));
    }
    if (!pattern.whole_stream() && !pattern.matched_property) {
      throw std::runtime_error("select pattern '" + pattern.text + "': stream " + pattern.stream +
                               " has no property '" + pattern.property + "'" +
                               did_you_mean(pattern.property, pattern.properties_seen) +
                               "; its properties are: " + joined(pattern.properties_seen));
    }
  }
  return catalog;
}

std::vector<SelectionEntry> selection_states(const nlohmann::json &catalog) {
  std::vector<SelectionEntry> entries;
  if (!catalog.is_object() || !catalog.contains("streams")) return entries;
  for (nlohmann::json stream : catalog["streams"]) {
    const std::string name = stream_name(stream);
    // Singer: without `selected`, what the tap selects by default; a property without either
    // follows its stream.
    auto state_of = [](const nlohmann::json &metadata, bool otherwise) {
      if (metadata.value("inclusion", "") == "automatic") return SelectionEntry::State::Automatic;
      bool selected = otherwise;
      if (metadata.contains("selected")) {
        selected = metadata.value("selected", false);
      } else if (metadata.contains("selected-by-default")) {
        selected = metadata.value("selected-by-default", false);
      }
      return selected ? SelectionEntry::State::Selected : SelectionEntry::State::Excluded;
    };
    const SelectionEntry::State stream_state =
        state_of(metadata_for(stream, nlohmann::json::array()), false);
    const bool stream_selected = stream_state != SelectionEntry::State::Excluded;
    entries.push_back({name, "", stream_state});
    for (const std::string &property : property_names(stream)) {
      SelectionEntry::State state = state_of(
          metadata_for(stream, nlohmann::json::array({"properties", property})), stream_selected);
      if (!stream_selected) state = SelectionEntry::State::Excluded;
      entries.push_back({name, property, state});
    }
  }
  return entries;
}

}  // namespace chorus::host
