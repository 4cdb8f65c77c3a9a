// The JSON type a plugin's settings schema gives a setting. Header-only: a template, so that
// both nlohmann::json and nlohmann::ordered_json documents (about output keeps its order) use it.
#pragma once

#include <string>

namespace chorus::host {

// The setting's JSON type, ignoring "null" in a type list; empty when it has none.
template <class Json>
std::string setting_type(const Json &property) {
  if (!property.is_object() || !property.contains("type")) return "";
  const auto &type = property["type"];
  if (type.is_string()) return type.template get<std::string>();
  if (type.is_array()) {
    for (const auto &t : type) {
      if (t.is_string() && t != "null") return t.template get<std::string>();
    }
  }
  return "";
}

}  // namespace chorus::host
