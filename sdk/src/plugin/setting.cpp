// Setting declarations: the schema they publish and the checks behind Setting::read().
#include "chorus/plugin/setting.h"

#include <sstream>

#include "chorus/plugin/errors.h"

namespace chorus {

SettingDeclaration::SettingDeclaration(std::string name, const char *json_type,
                                       const std::string &description)
    : name_(std::move(name)), schema_({{"type", json_type}}) {
  if (!description.empty()) schema_["description"] = description;
}

const nlohmann::json *SettingDeclaration::find_value(const nlohmann::json &config) const {
  if (!config.is_object()) return nullptr;
  const auto found = config.find(name_);
  if (found == config.end() || found->is_null()) return nullptr;
  detail::check_setting_type(name_, *found, schema_);
  const auto items = schema_.find("items");
  if (found->is_array() && items != schema_.end()) {
    for (std::size_t i = 0; i < found->size(); ++i) {
      detail::check_setting_type(name_ + "[" + std::to_string(i) + "]", (*found)[i], *items);
    }
  }
  return &*found;
}

void SettingDeclaration::check_range(const nlohmann::json &value, long double minimum,
                                     long double maximum) const {
  long double number = 0;
  if (value.is_number_unsigned()) {
    number = static_cast<long double>(value.get<std::uint64_t>());
  } else if (value.is_number_integer()) {
    number = static_cast<long double>(value.get<std::int64_t>());
  } else {
    number = static_cast<long double>(value.get<double>());
  }
  if (number >= minimum && number <= maximum) return;
  std::ostringstream range;
  range << std::fixed;
  range.precision(0);
  range << minimum << " to " << maximum;
  throw ConfigError("setting '" + name_ + "' must be an integer from " + range.str());
}

SettingList &SettingList::add(const SettingList &more) {
  settings_.insert(settings_.end(), more.settings_.begin(), more.settings_.end());
  return *this;
}

SettingList &SettingList::add(const nlohmann::json &properties) {
  other_properties_.update(properties);
  return *this;
}

nlohmann::json SettingList::properties() const {
  nlohmann::json properties = other_properties_;
  for (const SettingDeclaration *setting : settings_) {
    properties[setting->name()] = setting->schema();
  }
  return properties;
}

nlohmann::json SettingList::schema() const {
  nlohmann::json schema = {{"type", "object"}, {"properties", properties()}};
  nlohmann::json required = nlohmann::json::array();
  for (const SettingDeclaration *setting : settings_) {
    if (setting->is_required()) required.push_back(setting->name());
  }
  if (!required.empty()) schema["required"] = std::move(required);
  return schema;
}

}  // namespace chorus
