// Reads the stream_maps, stream_map_config and flattening settings into a MapConfig, parsing
// every expression once. A misspelled operation or a value of the wrong shape is refused here.
#include <set>

#include "chorus/plugin/errors.h"
#include "chorus/plugin/setting.h"
#include "maps/stream_maps_impl.h"

namespace chorus::maps {
namespace {

const Setting<nlohmann::json> kStreamMaps = Setting<nlohmann::json>(
    "stream_maps",
    "Meltano stream maps: per stream (or glob) __alias__, __filter__, __source__, "
    "__key_properties__, __else__, and properties dropped (null) or computed (an expression); a "
    "stream set to null is dropped. See docs/stream-maps.md.");
const Setting<nlohmann::json> kStreamMapConfig = Setting<nlohmann::json>(
    "stream_map_config", "Values the stream map expressions read as `config`.");
const Setting<bool> kFlatteningEnabled =
    Setting<bool>("flattening_enabled",
                  "Expand nested objects into columns parent__child (the SDK's flattening).")
        .defaults_to(false);
const Setting<std::int64_t> kFlatteningMaxDepth =
    Setting<std::int64_t>("flattening_max_depth",
                          "Levels of nested objects flattening expands; deeper objects are "
                          "written as JSON text.")
        .defaults_to(10)
        .at_least(0);

bool is_null_marker(const nlohmann::json &value) {
  return value.is_null() || (value.is_string() && value.get<std::string>() == "__NULL__");
}

std::string where(const std::string &plugin, const std::string &path) {
  return plugin + ": stream_maps." + path;
}

// An "__else__" only drops what the map does not declare (`undeclared`: "streams",
// "properties"): null or "__NULL__" is all it may say.
void expect_else_drop(const nlohmann::json &value, const std::string &plugin,
                      const std::string &path, const char *undeclared) {
  if (!is_null_marker(value)) {
    throw ConfigError(where(plugin, path) + " can only be null or \"__NULL__\" (drop the " +
                      undeclared + " not declared); got " + value.dump());
  }
}

Expression parse_expression(const nlohmann::json &value, const std::string &plugin,
                            const std::string &path) {
  if (!value.is_string()) {
    throw ConfigError(where(plugin, path) +
                      " must be an expression (a string), null or "
                      "\"__NULL__\"; got " +
                      value.dump());
  }
  try {
    return Expression::parse(value.get<std::string>());
  } catch (const ConfigError &error) {
    throw ConfigError(where(plugin, path) + ": " + error.what());
  }
}

MapEntry parse_entry(const std::string &key, const nlohmann::json &value,
                     const std::string &plugin) {
  MapEntry entry;
  entry.key = key;
  if (is_null_marker(value)) {
    entry.drop_stream = true;
    return entry;
  }
  if (!value.is_object()) {
    throw ConfigError(where(plugin, key) +
                      " must be an object of operations and properties, "
                      "null or \"__NULL__\"; got " +
                      value.dump());
  }
  static const std::set<std::string> kOperations = {"__alias__", "__filter__", "__source__",
                                                    "__key_properties__", "__else__"};
  for (const auto &[name, operand] : value.items()) {
    const std::string path = key + "." + name;
    if (name.size() > 4 && name.rfind("__", 0) == 0 &&
        name.compare(name.size() - 2, 2, "__") == 0 && kOperations.count(name) == 0) {
      throw ConfigError(where(plugin, path) +
                        " is not an operation; the operations are "
                        "__alias__, __filter__, __source__, "
                        "__key_properties__ and __else__");
    }
    if (name == "__alias__" || name == "__source__") {
      if (!operand.is_string() || operand.get<std::string>().empty()) {
        throw ConfigError(where(plugin, path) + " must be a stream name; got " + operand.dump());
      }
      (name == "__alias__" ? entry.alias : entry.source) = operand.get<std::string>();
    } else if (name == "__filter__") {
      entry.filter = parse_expression(operand, plugin, path);
    } else if (name == "__key_properties__") {
      entry.overrides_key_properties = true;
      if (operand.is_null()) continue;
      bool strings = operand.is_array();
      for (const auto &item : operand) strings = strings && item.is_string();
      if (!strings) {
        throw ConfigError(where(plugin, path) + " must be a list of property names or null; got " +
                          operand.dump());
      }
      entry.key_properties = operand.get<std::vector<std::string>>();
    } else if (name == "__else__") {
      expect_else_drop(operand, plugin, path, "properties");
      entry.else_drop = true;
    } else {
      PropertyRule rule;
      rule.name = name;
      if (!is_null_marker(operand)) rule.expression = parse_expression(operand, plugin, path);
      entry.properties.push_back(std::move(rule));
    }
  }
  return entry;
}

}  // namespace

const SettingList &stream_map_settings() {
  static const SettingList list{&kStreamMaps, &kStreamMapConfig, &kFlatteningEnabled,
                                &kFlatteningMaxDepth};
  return list;
}

bool stream_maps_requested(const nlohmann::json &config) {
  return !kStreamMaps.read(config).empty() || kFlatteningEnabled.read(config);
}

MapConfig parse_map_config(const nlohmann::json &config, const std::string &plugin) {
  MapConfig parsed;
  parsed.map_config = kStreamMapConfig.read(config);
  parsed.flattening = kFlatteningEnabled.read(config);
  parsed.max_depth = kFlatteningMaxDepth.read(config);
  const nlohmann::json stream_maps = kStreamMaps.read(config);
  for (const auto &[key, value] : stream_maps.items()) {
    if (key == "__else__") {
      expect_else_drop(value, plugin, key, "streams");
      parsed.else_drop_streams = true;
      continue;
    }
    parsed.entries.push_back(parse_entry(key, value, plugin));
  }
  return parsed;
}

}  // namespace chorus::maps
