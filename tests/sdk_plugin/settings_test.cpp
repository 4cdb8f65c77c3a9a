#include "chorus/plugin/settings.h"

#include <doctest/doctest.h>

#include <algorithm>

#include "chorus/plugin/errors.h"
#include "chorus/plugin/target.h"

namespace {

const nlohmann::json kSchema = nlohmann::json::parse(R"({
  "type": "object",
  "properties": {
    "host": {"type": "string", "description": "Server name"},
    "port": {"type": "integer", "default": 5432},
    "ratio": {"type": "number"},
    "password": {"type": "string", "secret": true},
    "tables": {"type": "array", "items": {"type": "object",
      "properties": {"name": {"type": "string"}, "keys": {"type": "array"}},
      "required": ["name"]}},
    "mode": {"type": "string", "enum": ["fast", "safe"], "default": "safe"},
    "extra": {"type": "object"}
  },
  "required": ["host"]
})");

std::string config_error(const nlohmann::json &config) {
  try {
    chorus::apply_settings(kSchema, config);
  } catch (const chorus::ConfigError &error) {
    return error.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("apply_settings fills defaults and keeps the values given") {
  const auto config = chorus::apply_settings(kSchema, {{"host", "db"}, {"ratio", 2}});
  CHECK(config["host"] == "db");
  CHECK(config["port"] == 5432);
  CHECK(config["mode"] == "safe");
  CHECK(config["ratio"] == 2);
  CHECK_FALSE(config.contains("password"));
}

TEST_CASE("an explicit null counts as not set, so the default applies") {
  const auto config = chorus::apply_settings(kSchema, {{"host", "db"}, {"port", nullptr}});
  CHECK(config["port"] == 5432);
}

TEST_CASE("an unknown key is rejected with the nearest known name as a hint") {
  const std::string message = config_error({{"host", "db"}, {"prot", 1}});
  CHECK(message.find("unknown setting 'prot'") != std::string::npos);
  CHECK(message.find("did you mean 'port'?") != std::string::npos);
}

TEST_CASE("an unknown key far from every known name gets no hint") {
  const std::string message = config_error({{"host", "db"}, {"zzzzzzzz", 1}});
  CHECK(message.find("unknown setting 'zzzzzzzz'") != std::string::npos);
  CHECK(message.find("did you mean") == std::string::npos);
}

TEST_CASE("a missing required setting is named") {
  const std::string message = config_error(nlohmann::json::object());
  CHECK(message.find("missing required setting 'host'") != std::string::npos);
  CHECK(message.find("Server name") != std::string::npos);
}

TEST_CASE("a value of the wrong type names the key and the expected type, not the value") {
  const std::string message = config_error({{"host", "db"}, {"port", "5432x"}});
  CHECK(message.find("setting 'port' must be an integer, got a string") != std::string::npos);
  CHECK(message.find("5432x") == std::string::npos);
  CHECK(config_error({{"host", "db"}, {"port", 5.0}}) == "no error");
  CHECK(config_error({{"host", "db"}, {"port", 5.5}}).find("'port'") != std::string::npos);
  CHECK(config_error({{"host", 1}}).find("setting 'host' must be a string") != std::string::npos);
}

TEST_CASE("nested objects in arrays are checked with their path") {
  CHECK(config_error({{"host", "db"}, {"tables", {{{"nmae", "t"}}}}})
            .find("unknown setting 'tables[0].nmae'; did you mean 'tables[0].name'?") !=
        std::string::npos);
  CHECK(config_error({{"host", "db"}, {"tables", {{{"keys", {"id"}}}}}})
            .find("missing required setting 'tables[0].name'") != std::string::npos);
}

TEST_CASE("an object setting without declared properties is free-form") {
  CHECK(config_error({{"host", "db"}, {"extra", {{"anything", 1}}}}) == "no error");
}

TEST_CASE("an enum setting rejects other values") {
  CHECK(
      config_error({{"host", "db"}, {"mode", "reckless"}}).find("setting 'mode' must be one of") !=
      std::string::npos);
}

TEST_CASE("secret_settings lists the settings marked secret") {
  CHECK(chorus::secret_settings(kSchema) == std::vector<std::string>{"password"});
}

TEST_CASE("about_document carries name, version, description, kind, capabilities, settings") {
  chorus::PluginInfo info{"tap-x", "1.2.3", "Reads x.", {"discover", "catalog"}, kSchema};
  const auto about = chorus::about_document(info, "tap");
  CHECK(about["name"] == "tap-x");
  CHECK(about["version"] == "1.2.3");
  CHECK(about["description"] == "Reads x.");
  CHECK(about["kind"] == "tap");
  CHECK(about["capabilities"] == nlohmann::json({"discover", "catalog"}));
  CHECK(about["settings"] == kSchema);
}

TEST_CASE("with_common_target_settings adds the shared settings and keeps the target's own") {
  const nlohmann::json own = {{"type", "object"},
                              {"properties",
                               {{"path", {{"type", "string"}}},
                                {"batch_size_rows", {{"type", "integer"}, {"default", 10}}}}}};
  const auto merged = chorus::with_common_target_settings(own);
  const auto &properties = merged["properties"];
  CHECK(properties.contains("path"));
  CHECK(properties["batch_size_rows"]["default"] == 10);
  for (const char *name : {"validate_records", "batch_size_bytes", "batch_wait_limit_seconds",
                           "add_record_metadata", "hard_delete"}) {
    CHECK_MESSAGE(properties.contains(name), name);
  }
  const auto defaults = chorus::apply_settings(chorus::common_target_settings(), {});
  CHECK(defaults["validate_records"] == true);
  CHECK(defaults["batch_size_rows"] == 100000);
  CHECK(defaults["batch_size_bytes"] == 67108864);
  CHECK(defaults["batch_wait_limit_seconds"] == 60);
  CHECK(defaults["add_record_metadata"] == true);
  CHECK(defaults["hard_delete"] == false);
}
