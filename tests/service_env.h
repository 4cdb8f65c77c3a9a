// The test servers' settings, read from the environment that build/services/env sets
// (scripts/test-services.sh start), and names that do not collide between test runs.
#pragma once

#include <doctest/doctest.h>
#include <unistd.h>

#include <chrono>
#include <initializer_list>
#include <string>

#include "test_env.h"

namespace chorus::testing {

enum class Service { Postgres, S3, PostgresTls, MySql };

// True when the servers must be there (scripts/test.sh and CI set CHORUS_REQUIRE_SERVICES=1):
// then a missing server fails the test instead of skipping it.
inline bool services_required() {
  return !env("CHORUS_REQUIRE_SERVICES").empty() && env("CHORUS_REQUIRE_SERVICES") != "0";
}

// How many test cases of this run have_services() skipped. The doctest main (doctest_main.cpp)
// ends a run that had skips and no failure with exit status 77, which CTest reports as skipped:
// a case whose servers were missing never counts as passed.
inline int &cases_skipped_for_missing_services() {
  static int skipped = 0;
  return skipped;
}

// The one guard of every test that needs a server. True when the settings of every service in
// `needed` are in the environment. Otherwise: a failure when services_required(), else a message
// saying the test is skipped and how to start the servers, counted as a skip; returns false
// either way, and the caller returns.
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
        ++cases_skipped_for_missing_services();
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
