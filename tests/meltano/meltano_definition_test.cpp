// `chorus meltano PLUGIN`: the meltano.yml entry generated from a plugin's about document.
#include "plugins/meltano_definition.h"

#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

using namespace chorus::host;

namespace {

const nlohmann::json kTapAbout = nlohmann::json::parse(R"({
  "name": "tap-orders-api",
  "kind": "tap",
  "version": "1.2.0",
  "description": "Reads orders: from the API",
  "capabilities": ["discover", "catalog", "state", "about", "validate-records"],
  "settings": {
    "type": "object",
    "required": ["api_url", "token"],
    "properties": {
      "api_url": {"type": "string", "description": "Base URL"},
      "token": {"type": "string", "secret": true},
      "page_size": {"type": "integer", "default": 100},
      "ratio": {"type": ["number", "null"]},
      "strict": {"type": "boolean", "default": false},
      "start_date": {"type": "string", "format": "date-time"},
      "mode": {"type": "string", "enum": ["full", "delta"], "default": "full"},
      "streams": {"type": "array", "items": {"type": "string"}, "default": ["a", "b"]},
      "headers": {"type": "object"},
      "version_tag": {"type": "string", "default": "10"}
    }
  }
})");

const nlohmann::ordered_json &setting(const nlohmann::ordered_json &entry,
                                      const std::string &name) {
  for (const auto &item : entry["settings"]) {
    if (item["name"] == name) return item;
  }
  FAIL("no setting " << name);
  static const nlohmann::ordered_json none;
  return none;
}

}  // namespace

TEST_CASE("a tap is an extractor named, namespaced and run by its Singer name") {
  const auto definition = meltano_definition(kTapAbout);
  const auto &entry = definition["plugins"]["extractors"].at(0);
  CHECK(entry["name"] == "tap-orders-api");
  CHECK(entry["namespace"] == "tap_orders_api");
  CHECK(entry["label"] == "Tap Orders API");
  CHECK(entry["description"] == "Reads orders: from the API");
  CHECK(entry["executable"] == "tap-orders-api");
  // Only capabilities meltano.yml knows for extractors; validate-records is not one.
  CHECK(entry["capabilities"] == nlohmann::json({"discover", "catalog", "state", "about"}));
  CHECK(entry["settings_group_validation"] == nlohmann::json::parse(R"([["api_url", "token"]])"));
  std::vector<std::string> keys;
  for (const auto &[key, value] : entry.items()) keys.push_back(key);
  CHECK(keys.front() == "name");
}

TEST_CASE("each setting gets Meltano's kind, a label, and its default as value") {
  const auto definition = meltano_definition(kTapAbout);
  const auto &entry = definition["plugins"]["extractors"].at(0);
  CHECK(setting(entry, "api_url")["kind"] == "string");
  CHECK(setting(entry, "api_url")["label"] == "API URL");
  CHECK(setting(entry, "api_url")["description"] == "Base URL");
  CHECK_FALSE(setting(entry, "api_url").contains("value"));
  CHECK(setting(entry, "token")["sensitive"] == true);
  CHECK(setting(entry, "token")["kind"] == "string");
  CHECK_FALSE(setting(entry, "api_url").contains("sensitive"));
  CHECK(setting(entry, "page_size")["kind"] == "integer");
  CHECK(setting(entry, "page_size")["value"] == 100);
  CHECK(setting(entry, "ratio")["kind"] == "decimal");
  CHECK(setting(entry, "strict")["kind"] == "boolean");
  CHECK(setting(entry, "strict")["value"] == false);
  CHECK(setting(entry, "start_date")["kind"] == "date_iso8601");
  CHECK(setting(entry, "mode")["kind"] == "options");
  CHECK(setting(entry, "mode")["options"] ==
        nlohmann::json::parse(
            R"([{"label": "full", "value": "full"}, {"label": "delta", "value": "delta"}])"));
  CHECK(setting(entry, "streams")["kind"] == "array");
  CHECK(setting(entry, "headers")["kind"] == "object");
}

TEST_CASE("the YAML reads back as the same definition, strings that look like numbers quoted") {
  const std::string yaml = meltano_definition_yaml(kTapAbout);
  const YAML::Node root = YAML::Load(yaml);
  const YAML::Node entry = root["plugins"]["extractors"][0];
  CHECK(entry["name"].as<std::string>() == "tap-orders-api");
  CHECK(entry["description"].as<std::string>() == "Reads orders: from the API");
  CHECK(entry["capabilities"].size() == 4);
  CHECK(yaml.find("value: \"10\"") != std::string::npos);  // version_tag stays a string
  CHECK(yaml.find("value: 100") != std::string::npos);     // page_size stays a number
  CHECK(yaml.find("value: false") != std::string::npos);
}

TEST_CASE("a target is a loader and a mapper a mapper with a mapping to configure") {
  nlohmann::json target = kTapAbout;
  target["name"] = "target-rows";
  target["kind"] = "target";
  target["capabilities"] = {"about", "hard-delete", "validate-records", "state"};
  const auto loader = meltano_definition(target)["plugins"]["loaders"].at(0);
  CHECK(loader["capabilities"] == nlohmann::json({"about", "hard-delete"}));

  nlohmann::json mapper = kTapAbout;
  mapper["name"] = "mapper-pii";
  mapper["kind"] = "mapper";
  mapper["capabilities"] = {"about", "stream-maps"};
  const auto entry = meltano_definition(mapper)["plugins"]["mappers"].at(0);
  CHECK(entry["mappings"].at(0)["name"] == "pii");
  CHECK(entry["mappings"].at(0)["config"].empty());

  nlohmann::json unknown = kTapAbout;
  unknown["kind"] = "unknown";
  CHECK_THROWS_WITH(meltano_definition(unknown), doctest::Contains("no Meltano plugin type"));
}
