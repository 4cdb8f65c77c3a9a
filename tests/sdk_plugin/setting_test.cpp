#include "chorus/plugin/setting.h"

#include <doctest/doctest.h>

#include <functional>

#include "chorus/plugin/errors.h"
#include "chorus/plugin/settings.h"

namespace {

using chorus::Setting;
using chorus::SettingList;

const Setting<std::string> kPath =
    Setting<std::string>("path", "Folder for the files.").defaults_to(".");
const Setting<std::string> kHost = Setting<std::string>("host", "Server host.").required();
const Setting<std::string> kPassword = Setting<std::string>("password", "Password.").secret();
const Setting<std::string> kMode =
    Setting<std::string>("mode", "How to load.").one_of({"fast", "safe"}).defaults_to("safe");
const Setting<bool> kVerbose = Setting<bool>("verbose", "Say more.").defaults_to(false);
const Setting<std::int64_t> kEvery =
    Setting<std::int64_t>("every", "Records between states.").defaults_to(10000).at_least(1);
const Setting<std::size_t> kFiles = Setting<std::size_t>("files", "Files per batch.");
const Setting<double> kWait = Setting<double>("wait", "Seconds to wait.").defaults_to(60);
const Setting<double> kRatio = Setting<double>("ratio", "A share.").defaults_to(0.5);
const Setting<std::vector<std::string>> kSchemas =
    Setting<std::vector<std::string>>("schemas", "Schemas to read.").defaults_to({"public"});
const Setting<nlohmann::json> kGrants = Setting<nlohmann::json>("grants", "Who may read.");

const SettingList kAll{&kPath,  &kHost, &kPassword, &kMode,    &kVerbose, &kEvery,
                       &kFiles, &kWait, &kRatio,    &kSchemas, &kGrants};

std::string error_of(const std::function<void()> &action) {
  try {
    action();
  } catch (const chorus::ConfigError &error) {
    return error.what();
  }
  return "no error";
}

// The error reading `setting` from `config` raises.
template <class T>
std::string read_error(const Setting<T> &setting, const nlohmann::json &config) {
  return error_of([&] { setting.read(config); });
}

}  // namespace

TEST_CASE("a setting absent from the config reads as its declared default") {
  const nlohmann::json config = nlohmann::json::object();
  CHECK(kPath.read(config) == ".");
  CHECK(kMode.read(config) == "safe");
  CHECK(kVerbose.read(config) == false);
  CHECK(kEvery.read(config) == 10000);
  CHECK(kWait.read(config) == 60.0);
  CHECK(kSchemas.read(config) == std::vector<std::string>{"public"});
}

TEST_CASE("a setting without a default reads as empty, and find() tells it apart") {
  const nlohmann::json config = {{"path", nullptr}};
  CHECK(kHost.read(config).empty());
  CHECK_FALSE(kHost.find(config).has_value());
  CHECK(kFiles.read(config) == 0);
  CHECK(kGrants.read(config) == nlohmann::json::object());
  // An explicit null means "not set", as in apply_settings().
  CHECK(kPath.read(config) == ".");
  CHECK(kPath.find(config) == std::optional<std::string>("."));
}

TEST_CASE("a setting in the config reads as its typed value") {
  const nlohmann::json config = {{"path", "out"},       {"verbose", true}, {"every", 5.0},
                                 {"files", 8},          {"wait", 2.5},     {"schemas", {"a", "b"}},
                                 {"grants", {{"s", 1}}}};
  CHECK(kPath.read(config) == "out");
  CHECK(kVerbose.read(config) == true);
  CHECK(kEvery.read(config) == 5);  // 5.0 is an integer in JSON Schema
  CHECK(kFiles.read(config) == 8);
  CHECK(kWait.read(config) == 2.5);
  CHECK(kSchemas.read(config) == std::vector<std::string>{"a", "b"});
  CHECK(kGrants.read(config) == nlohmann::json{{"s", 1}});
}

TEST_CASE("a value of the wrong type is refused with the words of apply_settings") {
  CHECK(read_error(kEvery, {{"every", "10"}}) ==
        "setting 'every' must be an integer, got a string");
  CHECK(read_error(kEvery, {{"every", 2.5}}) == "setting 'every' must be an integer, got a number");
  CHECK(read_error(kVerbose, {{"verbose", "yes"}}) ==
        "setting 'verbose' must be a boolean, got a string");
  CHECK(read_error(kPath, {{"path", 3}}) == "setting 'path' must be a string, got a number");
  CHECK(read_error(kSchemas, {{"schemas", "public"}}) ==
        "setting 'schemas' must be an array, got a string");
  CHECK(read_error(kGrants, {{"grants", nlohmann::json::array()}}) ==
        "setting 'grants' must be an object, got an array");
  // The schema said the same before the plugin read anything.
  const nlohmann::json schema = kAll.schema();
  CHECK(error_of([&] {
          chorus::apply_settings(schema, {{"host", "h"}, {"every", "10"}});
        }) == "setting 'every' must be an integer, got a string");
}

TEST_CASE("a secret of the wrong type is refused without echoing it") {
  const std::string message = read_error(kPassword, {{"password", 123456789}});
  CHECK(message == "setting 'password' must be a string, got a number");
  CHECK(message.find("123456789") == std::string::npos);
}

TEST_CASE("an integer outside the range of the value's C++ type is refused, not wrapped") {
  CHECK(read_error(kFiles, {{"files", -1}}) ==
        "setting 'files' must be an integer from 0 to 18446744073709551615");
  CHECK(read_error(kFiles, {{"files", 4}}) == "no error");
}

TEST_CASE("the settings schema is generated from the declarations") {
  const nlohmann::json schema = kAll.schema();
  CHECK(schema["type"] == "object");
  CHECK(schema["required"] == nlohmann::json::array({"host"}));
  const nlohmann::json &properties = schema["properties"];
  CHECK(properties.size() == 11);
  CHECK(properties["path"] == nlohmann::json{{"type", "string"},
                                             {"default", "."},
                                             {"description", "Folder for the files."}});
  CHECK(properties["host"] == nlohmann::json{{"type", "string"}, {"description", "Server host."}});
  CHECK(properties["password"]["secret"] == true);
  CHECK(properties["mode"]["enum"] == nlohmann::json::array({"fast", "safe"}));
  CHECK(properties["every"] == nlohmann::json{{"type", "integer"},
                                              {"default", 10000},
                                              {"minimum", 1},
                                              {"description", "Records between states."}});
  CHECK(properties["files"]["type"] == "integer");
  // A whole default of a number setting is published as JSON's 60, not 60.0.
  CHECK(properties["wait"]["default"].is_number_integer());
  CHECK(properties["wait"]["default"] == 60);
  CHECK(properties["ratio"]["default"] == 0.5);
  CHECK(properties["schemas"] == nlohmann::json{{"type", "array"},
                                                {"items", {{"type", "string"}}},
                                                {"default", {"public"}},
                                                {"description", "Schemas to read."}});
  CHECK(properties["grants"]["type"] == "object");
  // What apply_settings() fills in is what read() falls back to.
  const nlohmann::json applied = chorus::apply_settings(schema, {{"host", "h"}});
  CHECK(applied["path"] == kPath.read(nlohmann::json::object()));
  CHECK(applied["every"] == kEvery.read(nlohmann::json::object()));
}

TEST_CASE("a shared group of settings joins a plugin's own, in declaration order") {
  const Setting<std::string> bucket = Setting<std::string>("bucket", "Bucket.").required();
  SettingList settings{&kHost, &kPath};
  settings.add(SettingList{&bucket});
  const nlohmann::json schema = settings.schema();
  CHECK(schema["required"] == nlohmann::json::array({"host", "bucket"}));
  CHECK(schema["properties"].size() == 3);
  CHECK_FALSE(SettingList{&kPath}.schema().contains("required"));
}

TEST_CASE("properties given as JSON Schema join the list, and a declared setting wins") {
  const nlohmann::json schema =
      SettingList{&kPath}
          .add({{"path", {{"type", "integer"}}}, {"table_names", {{"type", "object"}}}})
          .schema();
  CHECK(schema["properties"]["path"] == kPath.schema());
  CHECK(schema["properties"]["table_names"] == nlohmann::json{{"type", "object"}});
}

TEST_CASE("a string list checks each item's type") {
  CHECK(read_error(kSchemas, {{"schemas", {"a", 1}}}) ==
        "setting 'schemas[1]' must be a string, got a number");
}
