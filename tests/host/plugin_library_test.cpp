#include "plugins/plugin_library.h"

#include <doctest/doctest.h>

#include "plugins/plugin_instance.h"

using namespace chorus::host;

namespace {
std::string fixture(const std::string &name) {
  return std::string(CHORUS_FIXTURE_PLUGIN_DIR) + "/" + name + ".so";
}
std::string load_error(const std::string &name) {
  try {
    PluginLibrary::load(fixture(name));
  } catch (const PluginLoadError &e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("abi_refusal accepts the same major with an older or equal minor") {
  CHECK_FALSE(abi_refusal(sizeof(chorus_plugin_v1), 1, 2, 1, 3).has_value());
  CHECK_FALSE(abi_refusal(sizeof(chorus_plugin_v1), 1, 3, 1, 3).has_value());
}

TEST_CASE("abi_refusal names both versions when it refuses") {
  auto newer = abi_refusal(sizeof(chorus_plugin_v1), 1, 4, 1, 3);
  REQUIRE(newer.has_value());
  CHECK(newer->find("plugin ABI 1.4") != std::string::npos);
  CHECK(newer->find("host ABI 1.3") != std::string::npos);
  auto major = abi_refusal(sizeof(chorus_plugin_v1), 2, 0, 1, 3);
  REQUIRE(major.has_value());
  CHECK(major->find("plugin ABI 2.0") != std::string::npos);
  CHECK(abi_refusal(8, 1, 0, 1, 0).has_value());
}

TEST_CASE("a plugin built for another ABI major is refused with both versions") {
  auto message = load_error("tap-abi-major");
  CHECK(message.find("plugin ABI " + std::to_string(CHORUS_ABI_MAJOR + 1)) != std::string::npos);
  CHECK(message.find("host ABI " + std::to_string(CHORUS_ABI_MAJOR)) != std::string::npos);
}

TEST_CASE("a plugin needing a newer minor is refused; an older minor loads") {
  CHECK(load_error("tap-abi-newer-minor").find("newer host") != std::string::npos);
  CHECK(load_error("tap-abi-older-minor").empty());
}

TEST_CASE("a library without the entry symbol, a NULL descriptor or a short struct is refused") {
  CHECK(load_error("tap-no-entry").find("chorus_plugin_entry") != std::string::npos);
  CHECK(load_error("tap-abi-null-descriptor").find("NULL") != std::string::npos);
  CHECK(load_error("tap-abi-small-struct").find("struct_size") != std::string::npos);
}

TEST_CASE("an exception escaping create is reported as a plugin bug, not a crash") {
  auto library = PluginLibrary::load(fixture("target-create-throws"));
  try {
    PluginInstance instance(library, nlohmann::json::object(), nullptr);
    FAIL("create should have failed");
  } catch (const PluginError &e) {
    CHECK(std::string(e.what()).find("target-create-throws") != std::string::npos);
    CHECK(std::string(e.what()).find("plugin bug") != std::string::npos);
  }
}

TEST_CASE("a failure without a message is reported as a plugin bug") {
  CHECK(describe_failure("target-x", "run", 2, std::nullopt)
            .find("plugin bug: failed without a message") != std::string::npos);
}

TEST_CASE("a config error is reported with the plugin's own message") {
  auto library = PluginLibrary::load(fixture("tap-fixture"));
  CHECK_THROWS_WITH(PluginInstance(library, nlohmann::json{{"recods", 3}}, nullptr),
                    doctest::Contains("rejected its config: unknown or mistyped setting 'recods'"));
}
