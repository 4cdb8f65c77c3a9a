// The conformance suite behind `chorus test PLUGIN`: named checks, a readable report, and a
// non-zero exit when any check fails. Third-party plugin authors get the same suite chorus's own
// plugins pass.
#pragma once

#include <string>

namespace chorus::host::conformance {

struct SuiteOptions {
  std::string plugin;        // name or .so path
  std::string config;        // file or inline JSON; empty for "{}"
  std::string fixtures_dir;  // target fixture streams; empty: found next to the program
};

// Runs every check that applies to the plugin's kind; prints the report on stdout. Returns 0
// when every check passed, 1 otherwise.
int run_suite(const SuiteOptions &options);

}  // namespace chorus::host::conformance
