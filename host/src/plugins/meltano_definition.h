// A plugin's Meltano definition: the meltano.yml entry that makes a chorus plugin a Meltano
// extractor, loader or mapper, generated from its `about` document (`chorus meltano PLUGIN`).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace chorus::host {

// The entry for the plugin `about` describes, under the key of its plugin type ("extractors",
// "loaders", "mappers"): {"plugins": {TYPE: [entry]}}. The entry has name, namespace, label,
// description, executable (the plugin's name: the link `chorus install-links` makes),
// capabilities (those Meltano knows for the plugin type), settings (name, kind, label,
// description, sensitive, value for a default, options for an enum) and, when some settings
// are required, settings_group_validation. Keys keep Meltano's documented order.
nlohmann::ordered_json meltano_definition(const nlohmann::json &about);

// meltano_definition() as YAML, ready to paste into meltano.yml.
std::string meltano_definition_yaml(const nlohmann::json &about);

}  // namespace chorus::host
