// A plugin setting declared once: its name, JSON type, default, description and flags. The
// settings schema a plugin publishes in `about` (and that `--config ENV`, `chorus meltano` and
// apply_settings() use) is generated from the declarations, and the plugin reads each value
// through its declaration, so a default is written in one place and cannot drift.
//
//   const Setting<std::string> kDestination =
//       Setting<std::string>("destination_path", "Folder for the files.").defaults_to(".");
//   const Setting<std::int64_t> kStateEvery =
//       Setting<std::int64_t>("state_every", "Records between STATE messages.")
//           .defaults_to(10000)
//           .at_least(1);
//
//   info.settings = SettingList{&kDestination, &kStateEvery}.schema();
//   std::string destination = kDestination.read(config());  // "." when not set
//
// A value type maps onto a JSON type: std::string -> string, bool -> boolean, any other integral
// type -> integer, float/double -> number, std::vector<std::string> -> array of strings,
// nlohmann::json -> object (another JSON type with .with("type", ...)).
//
// Declarations are meant to be namespace-scope constants of the file that reads them; a list
// of them (SettingList) holds pointers, so the declarations must outlive it.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace chorus {

class SettingList;

// What every setting has, whatever the C++ type of its value.
class SettingDeclaration {
 public:
  const std::string &name() const { return name_; }
  // The setting's JSON Schema, as it appears under "properties" of the settings schema.
  const nlohmann::json &schema() const { return schema_; }
  bool is_required() const { return required_; }

 protected:
  SettingDeclaration(std::string name, const char *json_type, const std::string &description);

  // The value of this setting in `config`; nullptr when absent or null. Throws ConfigError,
  // with the same words as apply_settings(), when the value is not of the declared JSON type.
  const nlohmann::json *find_value(const nlohmann::json &config) const;
  // Throws ConfigError naming the setting when an integer does not fit [minimum, maximum].
  void check_range(const nlohmann::json &value, long double minimum, long double maximum) const;

  std::string name_;
  nlohmann::json schema_;
  bool required_ = false;
};

template <class T>
class Setting : public SettingDeclaration {
 public:
  Setting(std::string name, const std::string &description)
      : SettingDeclaration(std::move(name), json_type(), description) {
    if constexpr (std::is_same_v<T, std::vector<std::string>>) {
      schema_["items"] = {{"type", "string"}};
    }
  }

  // The value a config without this setting reads as, published as the schema's "default".
  Setting defaults_to(T value) const {
    Setting copy = *this;
    copy.schema_["default"] = published(value);
    copy.default_ = std::move(value);
    return copy;
  }
  // Redacted in logs and messages; Meltano's `kind: password`.
  Setting secret() const { return with("secret", true); }
  // A config without this setting is refused (the schema's "required").
  Setting required() const {
    Setting copy = *this;
    copy.required_ = true;
    return copy;
  }
  Setting one_of(std::vector<T> values) const { return with("enum", values); }
  Setting at_least(std::int64_t minimum) const { return with("minimum", minimum); }
  // For an object setting: the settings it holds, as its "properties" and "required".
  Setting with_settings(const SettingList &members) const;
  // Any other JSON Schema keyword ("items", "additionalProperties", ...).
  Setting with(const std::string &keyword, const nlohmann::json &value) const {
    Setting copy = *this;
    copy.schema_[keyword] = value;
    return copy;
  }

  // The value in `config`, else the declared default, else an empty value (T{}; for a JSON
  // value, an empty object or array as the declared type says).
  T read(const nlohmann::json &config) const {
    std::optional<T> value = find(config);
    if (value) return std::move(*value);
    if constexpr (std::is_same_v<T, nlohmann::json>) {
      if (schema_["type"] == "object") return nlohmann::json::object();
      if (schema_["type"] == "array") return nlohmann::json::array();
    }
    return T{};
  }
  // The value in `config`, else the declared default, else nothing: for settings whose default
  // depends on other settings ("db_user: default the user setting").
  std::optional<T> find(const nlohmann::json &config) const {
    const nlohmann::json *value = find_value(config);
    if (value == nullptr) return default_;
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
      check_range(*value, static_cast<long double>(std::numeric_limits<T>::min()),
                  static_cast<long double>(std::numeric_limits<T>::max()));
    }
    return value->get<T>();
  }
  const std::optional<T> &default_value() const { return default_; }

 private:
  static const char *json_type() {
    if constexpr (std::is_same_v<T, std::string>) return "string";
    if constexpr (std::is_same_v<T, bool>) return "boolean";
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) return "integer";
    if constexpr (std::is_floating_point_v<T>) return "number";
    if constexpr (std::is_same_v<T, std::vector<std::string>>) return "array";
    if constexpr (std::is_same_v<T, nlohmann::json>) return "object";
    static_assert(std::is_same_v<T, std::string> || std::is_arithmetic_v<T> ||
                      std::is_same_v<T, std::vector<std::string>> ||
                      std::is_same_v<T, nlohmann::json>,
                  "a setting holds a string, bool, integer, number, string list or JSON value");
  }
  // JSON has one number type: a whole default of a number setting is published as 60, not 60.0.
  static nlohmann::json published(const T &value) {
    if constexpr (std::is_floating_point_v<T>) {
      if (value == static_cast<T>(static_cast<std::int64_t>(value))) {
        return static_cast<std::int64_t>(value);
      }
    }
    return value;
  }

  std::optional<T> default_;
};

// The settings of a plugin, or a group of them that several plugins share, in declaration
// order (which is the order of "required").
class SettingList {
 public:
  SettingList(std::initializer_list<const SettingDeclaration *> settings) : settings_(settings) {}

  // Appends `more` (a shared group) after the settings listed so far.
  SettingList &add(const SettingList &more);
  // Adds settings given as JSON Schema properties ({name: schema}): the groups that are not
  // declared as Setting constants (the SQL type and table settings). A declared setting of the
  // same name wins.
  SettingList &add(const nlohmann::json &properties);
  // {name: schema} of every setting.
  nlohmann::json properties() const;
  // {"type": "object", "properties": ..., "required": [...]} ("required" only when one is).
  nlohmann::json schema() const;

 private:
  std::vector<const SettingDeclaration *> settings_;
  nlohmann::json other_properties_ = nlohmann::json::object();
};

template <class T>
Setting<T> Setting<T>::with_settings(const SettingList &members) const {
  const nlohmann::json schema = members.schema();
  Setting copy = with("properties", schema["properties"]);
  if (schema.contains("required")) copy = copy.with("required", schema["required"]);
  return copy;
}

namespace detail {
// Throws ConfigError "setting '<path>' must be <type>, got <type>" unless `value` has one of
// the JSON types `schema` allows. Shared by apply_settings() and Setting::read().
void check_setting_type(const std::string &path, const nlohmann::json &value,
                        const nlohmann::json &schema);
}  // namespace detail

}  // namespace chorus
