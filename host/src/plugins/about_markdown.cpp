#include "plugins/about_markdown.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>

namespace chorus::host {
namespace {

// Keeps a table cell on one line and its pipes from splitting it.
std::string cell(const std::string &text) {
  std::string out;
  for (char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string type_text(const nlohmann::json &property) {
  auto type = property.find("type");
  if (type == property.end()) return "";
  if (type->is_string()) return type->get<std::string>();
  if (type->is_array()) {
    std::string out;
    for (const auto &t : *type) {
      if (!t.is_string() || t == "null") continue;
      out += (out.empty() ? "" : ", ") + t.get<std::string>();
    }
    return out;
  }
  return "";
}

}  // namespace

std::string about_markdown(const nlohmann::json &about) {
  std::ostringstream out;
  out << "# " << about.value("name", "plugin") << "\n\n";
  if (about.contains("description") && about["description"].is_string()) {
    out << about["description"].get<std::string>() << "\n\n";
  }
  out << "- Kind: " << about.value("kind", "") << "\n";
  out << "- Version: " << about.value("version", "") << "\n";
  if (about.contains("capabilities") && about["capabilities"].is_array()) {
    out << "- Capabilities:";
    bool first = true;
    for (const auto &capability : about["capabilities"]) {
      out << (first ? " `" : ", `")
          << (capability.is_string() ? capability.get<std::string>() : capability.dump()) << "`";
      first = false;
    }
    out << "\n";
  }
  out << "\n## Settings\n\n";
  const auto settings = about.value("settings", nlohmann::json::object());
  const auto properties = settings.value("properties", nlohmann::json::object());
  if (properties.empty()) {
    out << "This plugin has no settings.\n";
    return out.str();
  }
  const auto required = settings.value("required", nlohmann::json::array());
  out << "| Setting | Type | Required | Secret | Default | Description |\n";
  out << "|---|---|---|---|---|---|\n";
  for (const auto &[name, property] : properties.items()) {
    const bool is_required = std::find(required.begin(), required.end(), name) != required.end();
    const bool secret = property.is_object() && property.value("secret", false);
    std::string default_text;
    if (property.is_object() && property.contains("default")) {
      default_text = "`" + property["default"].dump() + "`";
    }
    std::string description = property.is_object() && property.contains("description") &&
                                      property["description"].is_string()
                                  ? property["description"].get<std::string>()
                                  : "";
    out << "| `" << name << "` | " << cell(property.is_object() ? type_text(property) : "") << " | "
        << (is_required ? "yes" : "no") << " | " << (secret ? "yes" : "no") << " | "
        << cell(default_text) << " | " << cell(description) << " |\n";
  }
  return out.str();
}

}  // namespace chorus::host
