// The one doctest main every unit-test binary links. A run in which the server guard
// (service_env.h, have_services) skipped cases and nothing failed exits 77, CTest's
// SKIP_RETURN_CODE for these binaries: reported as skipped, not as passed.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <iostream>

#include "service_env.h"

int main(int argc, char **argv) {
  doctest::Context context(argc, argv);
  const int status = context.run();
  if (context.shouldExit() || status != 0) return status;
  const int skipped = chorus::testing::cases_skipped_for_missing_services();
  if (skipped > 0) {
    std::cout << skipped << " test case(s) skipped: their test servers are not set up\n";
    return 77;
  }
  return 0;
}
