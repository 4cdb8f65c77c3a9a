#!/usr/bin/env bash
# The second command of the README, and what CI runs: installs what is needed, builds, starts
# the real test servers (PostgreSQL with wal2json, s3rver) on loopback ports, and runs the whole
# test suite with CTest. Extra arguments go to ctest (e.g. -L unit, -R sqlite).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${CHORUS_BUILD_DIR:-$repo/build/main}
"$repo/scripts/install-deps.sh"
"$repo/scripts/build.sh"
"$repo/scripts/test-services.sh" start
. "${CHORUS_SERVICES_ENV:-$repo/build/services/env}"
export CHORUS_REQUIRE_SERVICES=1  # a missing server fails a test, never skips it
cd "$build"
ctest --output-on-failure --no-tests=error -j "$(nproc)" "$@"
