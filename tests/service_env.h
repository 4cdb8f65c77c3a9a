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

enum class Service { Postgres, S3 };

// True when the settings of every service in `needed` are in the environment; otherwise says
// why the test is skipped and how to start the servers, and returns false.
inline bool have_services(std::initializer_list<Service> needed) {
  for (Service service : needed) {
    const char *variable =
        service == Service::Postgres ? "CHORUS_TEST_PG_HOST" : "CHORUS_TEST_S3_ENDPOINT";
    if (env(variable).empty()) {
      MESSAGE((std::string("skipped: ") + variable +
               " is not set (source build/services/env after scripts/test-services.sh start)"));
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
