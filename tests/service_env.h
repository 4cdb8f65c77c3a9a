// The test servers' settings, read from the environment that build/services/env sets
// (scripts/test-services.sh start), and names that do not collide between test runs.
#pragma once

#include <doctest/doctest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <initializer_list>
#include <string>

namespace chorus::testing {

// The variable's value; empty when it is not set.
inline std::string env(const char *name) {
  const char *value = std::getenv(name);
  return value ? value : "";
}

enum class Service { Postgres, S3, PostgresTls, MySql };

// True when the servers must be there (scripts/test.sh and CI set CHORUS_REQUIRE_SERVICES=1):
// then a missing server fails the test instead of skipping it.
inline bool services_required() {
  return !env("CHORUS_REQUIRE_SERVICES").empty() && env("CHORUS_REQUIRE_SERVICES") != "0";
}

// The one guard of every test that needs a server. True when the settings of every service in
// `needed` are in the environment. Otherwise: a failure when services_required(), else a message
// saying the test is skipped and how to start the servers; returns false either way, and the
// caller returns.
inline bool have_services(std::initializer_list<Service> needed) {
  for (Service service : needed) {
    const char *variable = service == Service::Postgres      ? "CHORUS_TEST_PG_HOST"
                           : service == Service::PostgresTls ? "CHORUS_TEST_PG_SSL_CA"
                           : service == Service::MySql       ? "CHORUS_TEST_MYSQL_HOST"
                                                             : "CHORUS_TEST_S3_ENDPOINT";
    if (env(variable).empty()) {
      const std::string why = std::string(variable) +
                              " is not set (source build/services/env after "
                              "scripts/test-services.sh start)";
      if (services_required()) {
        FAIL_CHECK("required test server missing: " << why);
      } else {
        MESSAGE("skipped: " << why);
      }
      return false;
    }
  }
  return true;
}

// "<what>_<pid>_<clock digits>": a schema, prefix or file name of its own for each test, usable
// unquoted in SQL and in S3 keys.
inline std::string unique_name(const char *what) {
  return std::string(what) + "_" + std::to_string(getpid()) + "_" +
         std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 1000000);
}

}  // namespace chorus::testing
