// Reading the environment that build/services/env sets (scripts/test-services.sh start), with no
// test framework, so that the benchmarks can use it too.
#pragma once

#include <cstdlib>
#include <string>

namespace chorus::testing {

// The variable's value; empty when it is not set.
inline std::string env(const char *name) {
  const char *value = std::getenv(name);
  return value ? value : "";
}

}  // namespace chorus::testing
