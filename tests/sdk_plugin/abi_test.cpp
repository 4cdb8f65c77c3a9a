// The ABI path: descriptor, create with configs, errors mapped to status codes and messages.
#include <doctest/doctest.h>

#include "fixture_plugins.h"

// The fixture plugins and the test host (fixture_plugins.h).
using namespace chorus::test;

namespace {

template <class P>
const chorus_plugin_v1 *descriptor() {
  return chorus::detail::Entry<P>::descriptor(CHORUS_ABI_MAJOR, CHORUS_ABI_MINOR);
}

chorus_status create_with(TestHost &host, const char *config, chorus_instance **instance) {
  return descriptor<FixtureTap>()->create(host.get(), config, instance);
}

}  // namespace

TEST_CASE("the descriptor describes the plugin class") {
  const chorus_plugin_v1 *tap = descriptor<FixtureTap>();
  CHECK(tap->struct_size == sizeof(chorus_plugin_v1));
  CHECK(tap->abi_major == CHORUS_ABI_MAJOR);
  CHECK(tap->abi_minor == CHORUS_ABI_MINOR);
  CHECK(std::string(tap->name) == "tap-fixture");
  CHECK(std::string(tap->version) == "0.1.0");
  CHECK(tap->kind == CHORUS_KIND_TAP);
  CHECK(static_cast<bool>(tap->discover));
  const auto about = nlohmann::json::parse(tap->about_json);
  CHECK(about["kind"] == "tap");
  CHECK(about["settings"]["properties"]["api_key"]["secret"] == true);

  const chorus_plugin_v1 *target = descriptor<JournalTarget>();
  CHECK(target->kind == CHORUS_KIND_TARGET);
  CHECK_FALSE(static_cast<bool>(target->discover));
  // The common target settings are part of every target's settings without declaring them.
  CHECK(nlohmann::json::parse(target->about_json)["settings"]["properties"].contains(
      "batch_size_rows"));
  CHECK(descriptor<MarkingMapper>()->kind == CHORUS_KIND_MAPPER);
  CHECK(descriptor<FixtureTap>() == tap);  // static, the same on every call
}

TEST_CASE("create rejects an unknown key with CHORUS_ERR_CONFIG naming the key") {
  TestHost host;
  chorus_instance *instance = reinterpret_cast<chorus_instance *>(&host);
  CHECK(create_with(host, R"({"api_key": "k", "cuont": 2})", &instance) == CHORUS_ERR_CONFIG);
  CHECK(instance == nullptr);
  CHECK(host.last_code == CHORUS_ERR_CONFIG);
  CHECK(host.last_error.find("'cuont'") != std::string::npos);
  CHECK(host.last_error.find("did you mean 'count'?") != std::string::npos);
}

TEST_CASE("create rejects a missing required setting with CHORUS_ERR_CONFIG naming it") {
  TestHost host;
  chorus_instance *instance = nullptr;
  CHECK(create_with(host, "{}", &instance) == CHORUS_ERR_CONFIG);
  CHECK(host.last_error.find("missing required setting 'api_key'") != std::string::npos);
}

TEST_CASE("create rejects a value of the wrong type with CHORUS_ERR_CONFIG naming the key") {
  TestHost host;
  chorus_instance *instance = nullptr;
  CHECK(create_with(host, R"({"api_key": "k", "count": "three"})", &instance) == CHORUS_ERR_CONFIG);
  CHECK(host.last_error.find("'count' must be an integer") != std::string::npos);
}

TEST_CASE("create rejects a config that is not JSON") {
  TestHost host;
  chorus_instance *instance = nullptr;
  CHECK(create_with(host, R"({"api_key": )", &instance) == CHORUS_ERR_CONFIG);
  CHECK(host.last_error.find("not valid JSON") != std::string::npos);
  CHECK(create_with(host, "[1, 2]", &instance) == CHORUS_ERR_CONFIG);
  CHECK(host.last_error.find("must be a JSON object") != std::string::npos);
}

TEST_CASE("exceptions from a plugin become status codes with their message") {
  struct Case {
    const char *fail_with;
    chorus_status status;
    const char *message;
  };
  for (const Case &c : {Case{"std", CHORUS_ERR_FATAL, "run failed: disk on fire"},
                        Case{"fatal", CHORUS_ERR_FATAL, "table orders is gone"},
                        Case{"retryable", CHORUS_ERR_RETRYABLE, "server busy"},
                        Case{"config", CHORUS_ERR_CONFIG, "setting 'count' is too large"},
                        Case{"unknown", CHORUS_ERR_FATAL, "run failed: unknown exception"}}) {
    CAPTURE(c.fail_with);
    TestHost host;
    const auto result =
        run_plugin<FixtureTap>(host, {{"api_key", "k"}, {"fail_with", c.fail_with}}, {});
    CHECK(result.run_status == c.status);
    CHECK(host.last_code == c.status);
    CHECK(host.error_calls == 1);
    CHECK(host.last_error.find(c.message) != std::string::npos);
  }
}

TEST_CASE("a successful run reports no error") {
  TestHost host;
  const auto result = run_plugin<FixtureTap>(host, {{"api_key", "k"}}, {});
  CHECK(result.run_status == CHORUS_OK);
  CHECK(host.error_calls == 0);
}

TEST_CASE("guarded without a host still returns the status") {
  CHECK(chorus::detail::guard(nullptr, "test", [] { throw chorus::RetryableError("later"); }) ==
        CHORUS_ERR_RETRYABLE);
  CHECK(chorus::detail::guard(nullptr, "test", [] {}) == CHORUS_OK);
}

TEST_CASE("discover writes the catalog as one JSON document") {
  TestHost host;
  const chorus_plugin_v1 *tap = descriptor<FixtureTap>();
  chorus_instance *instance = nullptr;
  REQUIRE(tap->create(host.get(), R"({"api_key": "k"})", &instance) == CHORUS_OK);
  chorus::test::TempFile out;
  CHECK(tap->discover(instance, out.fd()) == CHORUS_OK);
  tap->destroy(instance);
  const auto catalog = nlohmann::json::parse(out.read_all());
  REQUIRE(catalog["streams"].size() == 2);
  CHECK(catalog["streams"][0]["tap_stream_id"] == "orders");
}

TEST_CASE("destroy accepts null") { descriptor<FixtureTap>()->destroy(nullptr); }

TEST_CASE("metrics are logged as Singer METRIC lines through the host") {
  TestHost host;
  chorus::PluginContext context(host.get());
  context.counter("record_count", 42, {{"stream", "orders"}});
  REQUIRE(host.logs.size() == 1);
  CHECK(
      host.logs[0] ==
      R"(METRIC: {"type":"counter","metric":"record_count","value":42,"tags":{"stream":"orders"}})");
  context.timer("sync_duration", 1.5, nullptr);
  CHECK(host.logs[1] ==
        R"(METRIC: {"type":"timer","metric":"sync_duration","value":1.5,"tags":{}})");
  CHECK_FALSE(context.stop_requested());
  host.stop = true;
  CHECK(context.stop_requested());
  CHECK_FALSE(chorus::PluginContext().stop_requested());
}
