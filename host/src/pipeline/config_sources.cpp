#include "pipeline/config_sources.h"

#include <cctype>
#include <stdexcept>

#include "pipeline/pipeline_config.h"
#include "plugins/setting_type.h"

namespace chorus::host {
namespace {

std::string upper_snake(std::string_view text) {
  std::string out(text);
  for (auto &c : out) {
    c = c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

bool is_string_list(const nlohmann::json &property) {
  return setting_type(property) == "array" && property.contains("items") &&
         setting_type(property["items"]) == "string";
}

std::string lower(std::string text) {
  for (auto &c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

nlohmann::json parse_setting(const std::string &variable, const std::string &text,
                             const nlohmann::json &property) {
  const std::string type = setting_type(property);
  auto refuse = [&](const std::string &expected) -> std::runtime_error {
    return std::runtime_error("environment variable " + variable + " is not " + expected +
                              " (the setting's type is " + type + ")");
  };
  if (is_string_list(property)) {
    if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
      throw std::runtime_error("environment variable " + variable +
                               " holds a bracketed list; give the items separated by commas "
                               "without brackets (a,b,c), as the Meltano SDK expects");
    }
    nlohmann::json items = nlohmann::json::array();
    std::size_t start = 0;
    for (std::size_t comma = text.find(',');; comma = text.find(',', start)) {
      items.push_back(text.substr(start, comma == std::string::npos ? comma : comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    return items;
  }
  if (type == "boolean") {
    const std::string word = lower(text);
    if (word == "true" || word == "1") return true;
    if (word == "false" || word == "0") return false;
    throw refuse("true, false, 1 or 0");
  }
  if (type == "integer" || type == "number" || type == "array" || type == "object") {
    nlohmann::json value = nlohmann::json::parse(text, nullptr, false);
    const bool fits = type == "integer"  ? value.is_number_integer()
                      : type == "number" ? value.is_number()
                      : type == "array"  ? value.is_array()
                                         : value.is_object();
    if (!fits) {
      throw refuse(type == "integer"  ? "an integer"
                   : type == "number" ? "a number"
                                      : "a JSON " + type);
    }
    return value;
  }
  return text;
}

}  // namespace

std::string setting_environment_variable(std::string_view plugin, std::string_view setting) {
  return upper_snake(plugin) + "_" + upper_snake(setting);
}

nlohmann::json config_from_environment(std::string_view plugin,
                                       const nlohmann::json &settings_schema,
                                       const EnvironmentLookup &lookup) {
  nlohmann::json config = nlohmann::json::object();
  if (!settings_schema.is_object() || !settings_schema.contains("properties")) return config;
  for (const auto &[setting, property] : settings_schema["properties"].items()) {
    const std::string variable = setting_environment_variable(plugin, setting);
    const auto text = lookup(variable);
    if (!text) continue;
    config[setting] = parse_setting(variable, *text, property);
  }
  return config;
}

nlohmann::json merge_config_sources(const std::vector<std::string> &sources,
                                    std::string_view plugin, const nlohmann::json &settings_schema,
                                    const EnvironmentLookup &lookup) {
  nlohmann::json config = nlohmann::json::object();
  for (const auto &source : sources) {
    nlohmann::json part = source == "ENV" ? config_from_environment(plugin, settings_schema, lookup)
                                          : read_json_file(source, "config");
    if (!part.is_object()) {
      throw std::runtime_error("config " + source + " is not a JSON object");
    }
    config.update(part);
  }
  return config;
}

}  // namespace chorus::host
