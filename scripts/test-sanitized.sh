#!/usr/bin/env bash
# The second compiler and the sanitizers: builds the whole tree with Clang (warnings are errors
# there too) under AddressSanitizer + UndefinedBehaviorSanitizer into build/asan, runs the unit
# and end-to-end tests in it, then every fuzz target with scripts/fuzz.sh (20000 inputs from a
# fixed seed each, at most 60 s).
# Extra arguments go to ctest. CI runs it after scripts/test.sh.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${CHORUS_ASAN_BUILD_DIR:-$repo/build/asan}
"$repo/scripts/install-deps.sh"
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$repo}
"$repo/scripts/configure-sanitized.sh" "$build" address -DCHORUS_BUILD_FUZZ=ON
ninja -C "$build"
# The end-to-end tests talk to the same real servers as the suite (started again if down).
"$repo/scripts/test-services.sh" start
. "${CHORUS_SERVICES_ENV:-$repo/build/services/env}"
export CHORUS_REQUIRE_SERVICES=1
# handle_segv=0: a plugin that crashes must die of its signal, as the host reports it (the
# crash fixtures' tests check that report).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:strict_string_checks=1:handle_segv=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
(cd "$build" && ctest --output-on-failure --no-tests=error -j "$(nproc)" -L 'unit|e2e' "$@")
"$repo/scripts/fuzz.sh" "$build"
