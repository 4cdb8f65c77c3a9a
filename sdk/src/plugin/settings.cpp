// Enforces a plugin's settings schema on a config: unknown keys, required keys, value types,
// enums, and defaults. Values are never echoed in messages, because settings may be secrets.
#include "chorus/plugin/settings.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>
#include <vector>

#include "chorus/plugin/did_you_mean.h"
#include "chorus/plugin/errors.h"
#include "chorus/plugin/setting.h"

namespace chorus {
namespace {

bool has_type(const nlohmann::json &value, const std::string &type) {
  if (type == "string") return value.is_string();
  if (type == "integer") {
    if (value.is_number_integer()) return true;
    // 5.0 is an integer in JSON Schema.
    if (!value.is_number_float()) return false;
    const double number = value.get<double>();
    return std::isfinite(number) && std::floor(number) == number;
  }
  if (type == "number") return value.is_number();
  if (type == "boolean") return value.is_boolean();
  if (type == "array") return value.is_array();
  if (type == "object") return value.is_object();
  if (type == "null") return value.is_null();
  return true;  // an unknown type name constrains nothing
}

std::string article(const char *type_name) {
  const char first = type_name[0];
  const bool vowel = first == 'a' || first == 'e' || first == 'i' || first == 'o' || first == 'u';
  return std::string(vowel ? "an " : "a ") + type_name;
}

}  // namespace

void detail::check_setting_type(const std::string &path, const nlohmann::json &value,
                                const nlohmann::json &schema) {
  const auto type = schema.find("type");
  if (type == schema.end()) return;
  std::vector<std::string> allowed;
  if (type->is_string()) allowed.push_back(type->get<std::string>());
  if (type->is_array()) {
    for (const auto &t : *type) {
      if (t.is_string()) allowed.push_back(t.get<std::string>());
    }
  }
  if (allowed.empty()) return;
  for (const auto &t : allowed) {
    if (has_type(value, t)) return;
  }
  std::string expected;
  for (const auto &t : allowed) expected += expected.empty() ? t : " or " + t;
  throw ConfigError("setting '" + path + "' must be " + article(expected.c_str()) + ", got " +
                    article(value.is_number_float() ? "number" : value.type_name()));
}

namespace {

std::string join_path(const std::string &path, const std::string &key) {
  return path.empty() ? key : path + "." + key;
}

std::string unknown_key_message(const std::string &path, const std::string &key,
                                const nlohmann::json &properties) {
  std::vector<std::string> names;
  std::string known;
  for (const auto &[name, schema] : properties.items()) {
    (void)schema;
    known += known.empty() ? name : ", " + name;
    names.push_back(name);
  }
  const std::optional<std::string> best = closest_name(key, names);
  std::string message = "unknown setting '" + join_path(path, key) + "'";
  if (best) message += "; did you mean '" + join_path(path, *best) + "'?";
  message +=
      known.empty() ? " (this plugin takes no settings)" : " (known settings: " + known + ")";
  return message;
}

nlohmann::json apply(const std::string &path, const nlohmann::json &schema,
                     const nlohmann::json &value);

nlohmann::json apply_object(const std::string &path, const nlohmann::json &schema,
                            const nlohmann::json &config) {
  const auto properties_it = schema.find("properties");
  const nlohmann::json properties = properties_it != schema.end() && properties_it->is_object()
                                        ? *properties_it
                                        : nlohmann::json::object();
  const auto additional = schema.find("additionalProperties");
  // Unknown keys are rejected unless the schema opts in; a schema without "properties" at a
  // nested level is a free-form object.
  const bool closed =
      (path.empty() || properties_it != schema.end()) &&
      !(additional != schema.end() && additional->is_boolean() && additional->get<bool>());

  nlohmann::json result = nlohmann::json::object();
  for (const auto &[key, value] : config.items()) {
    const auto property = properties.find(key);
    if (property == properties.end()) {
      if (closed) throw ConfigError(unknown_key_message(path, key, properties));
      result[key] = value;
      continue;
    }
    // An explicit null means "not set": the default, if any, applies.
    if (value.is_null()) continue;
    result[key] = apply(join_path(path, key), *property, value);
  }

  for (const auto &[key, property] : properties.items()) {
    if (result.contains(key) || !property.is_object()) continue;
    const auto default_value = property.find("default");
    if (default_value != property.end()) result[key] = *default_value;
  }

  const auto required = schema.find("required");
  if (required != schema.end() && required->is_array()) {
    for (const auto &name : *required) {
      if (!name.is_string() || result.contains(name.get<std::string>())) continue;
      const std::string full = join_path(path, name.get<std::string>());
      std::string message = "missing required setting '" + full + "'";
      const auto property = properties.find(name.get<std::string>());
      if (property != properties.end() && property->contains("description") &&
          (*property)["description"].is_string()) {
        message += " (" + (*property)["description"].get<std::string>() + ")";
      }
      throw ConfigError(message + "; add it to the config");
    }
  }
  return result;
}

nlohmann::json apply(const std::string &path, const nlohmann::json &schema,
                     const nlohmann::json &value) {
  if (!schema.is_object()) return value;
  detail::check_setting_type(path, value, schema);

  const auto allowed = schema.find("enum");
  if (allowed != schema.end() && allowed->is_array() &&
      std::find(allowed->begin(), allowed->end(), value) == allowed->end()) {
    std::string choices;
    for (const auto &choice : *allowed) choices += (choices.empty() ? "" : ", ") + choice.dump();
    throw ConfigError("setting '" + path + "' must be one of " + choices);
  }

  if (value.is_object()) return apply_object(path, schema, value);
  if (value.is_array()) {
    const auto items = schema.find("items");
    if (items == schema.end()) return value;
    nlohmann::json result = nlohmann::json::array();
    for (std::size_t i = 0; i < value.size(); ++i) {
      result.push_back(apply(path + "[" + std::to_string(i) + "]", *items, value[i]));
    }
    return result;
  }
  return value;
}

void collect_secrets(const std::string &path, const nlohmann::json &schema,
                     std::vector<std::string> &out) {
  if (!schema.is_object()) return;
  const auto properties = schema.find("properties");
  if (properties == schema.end() || !properties->is_object()) return;
  for (const auto &[key, property] : properties->items()) {
    if (!property.is_object()) continue;
    const std::string full = join_path(path, key);
    const auto secret = property.find("secret");
    if (secret != property.end() && secret->is_boolean() && secret->get<bool>()) {
      out.push_back(full);
    }
    collect_secrets(full, property, out);
    const auto items = property.find("items");
    if (items != property.end()) collect_secrets(full + "[]", *items, out);
  }
}

}  // namespace

nlohmann::json apply_settings(const nlohmann::json &settings_schema, const nlohmann::json &config) {
  if (config.is_null()) return apply_object("", settings_schema, nlohmann::json::object());
  if (!config.is_object()) {
    throw ConfigError(std::string("the config must be a JSON object, got ") + config.type_name());
  }
  return apply_object("", settings_schema, config);
}

std::vector<std::string> secret_settings(const nlohmann::json &settings_schema) {
  std::vector<std::string> names;
  collect_secrets("", settings_schema, names);
  return names;
}

nlohmann::json about_document(const PluginInfo &info, std::string_view kind) {
  nlohmann::json settings = info.settings.is_object() ? info.settings : nlohmann::json::object();
  if (!settings.contains("type")) settings["type"] = "object";
  if (!settings.contains("properties")) settings["properties"] = nlohmann::json::object();
  return {{"name", info.name},
          {"version", info.version},
          {"description", info.description},
          {"kind", std::string(kind)},
          {"capabilities", info.capabilities},
          {"settings", settings}};
}

}  // namespace chorus
