#include "plugins/meltano_definition.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <stdexcept>
#include <vector>

#include "plugins/setting_type.h"

namespace chorus::host {
namespace {

// The capabilities meltano.yml accepts for each plugin type (its JSON Schema enumerates them);
// a chorus capability outside the list (validate-records) would make the file invalid.
const std::set<std::string> kExtractorCapabilities = {
    "properties", "catalog",     "discover",          "state",
    "about",      "stream-maps", "activate-version",  "batch",
    "test",       "log-based",   "schema-flattening", "structured-logging"};
const std::set<std::string> kLoaderCapabilities = {"about",
                                                   "stream-maps",
                                                   "activate-version",
                                                   "batch",
                                                   "soft-delete",
                                                   "hard-delete",
                                                   "datatype-failsafe",
                                                   "schema-flattening",
                                                   "structured-logging"};
const std::set<std::string> kMapperCapabilities = {"about", "stream-maps", "structured-logging"};

using Json = nlohmann::ordered_json;

// Meltano's setting kind for a JSON Schema property.
std::string kind_of(const Json &property) {
  const std::string type = setting_type(property);
  if (property.is_object() && property.contains("enum") && property["enum"].is_array()) {
    return "options";
  }
  if (type == "integer") return "integer";
  if (type == "number") return "decimal";
  if (type == "boolean") return "boolean";
  if (type == "array") return "array";
  if (type == "object") return "object";
  const std::string format = property.is_object() ? property.value("format", "") : "";
  if (format == "date" || format == "date-time") return "date_iso8601";
  if (format == "email") return "email";
  return "string";
}

// "state_every" -> "State Every"; a few abbreviations stay upper case ("api_url" -> "API URL").
std::string label_of(const std::string &name, const Json &property) {
  if (property.is_object() && property.contains("title") && property["title"].is_string()) {
    return property["title"].get<std::string>();
  }
  static const std::set<std::string> kAbbreviations = {
      "api",   "arn", "aws", "csv", "dsn", "http", "https", "iam", "id",  "json",
      "jsonl", "jwt", "s3",  "sql", "ssl", "tls",  "uri",   "url", "uuid"};
  std::string label;
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t end = name.find_first_of("_-", start);
    if (end == std::string::npos) end = name.size();
    std::string word = name.substr(start, end - start);
    if (!word.empty()) {
      if (kAbbreviations.count(word) != 0) {
        for (auto &c : word) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      } else {
        word[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(word[0])));
      }
      label += (label.empty() ? "" : " ") + word;
    }
    start = end + 1;
  }
  return label;
}

Json setting_entry(const std::string &name, const Json &property) {
  nlohmann::ordered_json setting;
  setting["name"] = name;
  setting["kind"] = kind_of(property);
  setting["label"] = label_of(name, property);
  if (property.is_object() && property.contains("description") &&
      property["description"].is_string()) {
    setting["description"] = property["description"];
  }
  if (property.is_object() && property.value("secret", false)) setting["sensitive"] = true;
  if (property.is_object() && property.contains("default")) setting["value"] = property["default"];
  if (setting["kind"] == "options") {
    nlohmann::ordered_json options = nlohmann::ordered_json::array();
    for (const auto &choice : property["enum"]) {
      options.push_back({{"label", choice.is_string() ? choice.get<std::string>() : choice.dump()},
                         {"value", choice}});
    }
    setting["options"] = options;
  }
  return setting;
}

// Whether a YAML reader would take this text, written plain, for a number, boolean or null
// ("10", "true", "no", "~"); such strings are written quoted.
bool reads_as_other_type(const std::string &text) {
  if (text.empty()) return true;
  if (!nlohmann::json::parse(text, nullptr, false).is_discarded()) return true;
  std::string word = text;
  for (auto &c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static const std::set<std::string> kWords = {"~", "yes", "no",   "on",   "off",
                                               "y", "n",   ".nan", ".inf", "-.inf"};
  return kWords.count(word) != 0;
}

void emit(YAML::Emitter &out, const nlohmann::ordered_json &value) {
  switch (value.type()) {
    case nlohmann::ordered_json::value_t::object:
      out << YAML::BeginMap;
      for (const auto &[key, item] : value.items()) {
        out << YAML::Key << key << YAML::Value;
        emit(out, item);
      }
      out << YAML::EndMap;
      break;
    case nlohmann::ordered_json::value_t::array:
      // A list of plain values on one line ([discover, catalog, state]), as meltano.yml has it.
      if (std::none_of(value.begin(), value.end(),
                       [](const Json &item) { return item.is_structured(); })) {
        out << YAML::Flow;
      }
      out << YAML::BeginSeq;
      for (const auto &item : value) emit(out, item);
      out << YAML::EndSeq;
      break;
    case nlohmann::ordered_json::value_t::string:
      if (reads_as_other_type(value.get<std::string>())) out << YAML::DoubleQuoted;
      out << value.get<std::string>();
      break;
    case nlohmann::ordered_json::value_t::null:
      out << YAML::Null;
      break;
    default:
      // Numbers and booleans: their JSON text is valid YAML of the same type.
      out << value.dump();
      break;
  }
}

}  // namespace

nlohmann::ordered_json meltano_definition(const nlohmann::json &about_document) {
  // One JSON type throughout: the definition keeps its keys in Meltano's order.
  const Json about = Json::parse(about_document.dump());
  const std::string name = about.value("name", "");
  const std::string kind = about.value("kind", "");
  std::string plugin_type;
  const std::set<std::string> *known_capabilities = nullptr;
  if (kind == "tap") {
    plugin_type = "extractors";
    known_capabilities = &kExtractorCapabilities;
  } else if (kind == "target") {
    plugin_type = "loaders";
    known_capabilities = &kLoaderCapabilities;
  } else if (kind == "mapper") {
    plugin_type = "mappers";
    known_capabilities = &kMapperCapabilities;
  } else {
    throw std::runtime_error("plugin '" + name + "' is of kind '" + kind +
                             "', which has no Meltano plugin type");
  }

  nlohmann::ordered_json entry;
  entry["name"] = name;
  std::string namespace_name = name;
  std::replace(namespace_name.begin(), namespace_name.end(), '-', '_');
  entry["namespace"] = namespace_name;
  entry["label"] = label_of(name, Json::object());
  if (about.contains("description") && about["description"].is_string()) {
    entry["description"] = about["description"];
  }
  entry["executable"] = name;

  nlohmann::ordered_json capabilities = nlohmann::ordered_json::array();
  if (about.contains("capabilities") && about["capabilities"].is_array()) {
    for (const auto &capability : about["capabilities"]) {
      if (capability.is_string() && known_capabilities->count(capability.get<std::string>())) {
        capabilities.push_back(capability);
      }
    }
  }
  entry["capabilities"] = capabilities;

  const Json settings_schema = about.value("settings", Json::object());
  const Json properties = settings_schema.value("properties", Json::object());
  nlohmann::ordered_json settings = nlohmann::ordered_json::array();
  for (const auto &[setting, property] : properties.items()) {
    settings.push_back(setting_entry(setting, property));
  }
  entry["settings"] = settings;
  const Json required = settings_schema.value("required", Json::array());
  if (required.is_array() && !required.empty()) {
    entry["settings_group_validation"] = nlohmann::ordered_json::array({required});
  }
  if (plugin_type == "mappers") {
    // Meltano runs a mapper through one of its named mappings (`meltano run tap pii target`);
    // this one starts with no config, for the user to fill in.
    const std::string mapping = name.rfind("mapper-", 0) == 0 ? name.substr(7) : name + "-mapping";
    entry["mappings"] = nlohmann::ordered_json::array(
        {{{"name", mapping}, {"config", nlohmann::ordered_json::object()}}});
  }

  nlohmann::ordered_json definition;
  definition["plugins"][plugin_type] = nlohmann::ordered_json::array({entry});
  return definition;
}

std::string meltano_definition_yaml(const nlohmann::json &about) {
  YAML::Emitter out;
  emit(out, meltano_definition(about));
  if (!out.good()) throw std::runtime_error("cannot write YAML: " + out.GetLastError());
  return std::string(out.c_str()) + "\n";
}

}  // namespace chorus::host
