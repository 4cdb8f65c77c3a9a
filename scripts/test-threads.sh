#!/usr/bin/env bash
# ThreadSanitizer over the code that runs threads: the host's members, pipe relays and state
# follower (host_test, and runs of one host with the fixture plugins, tap-csv, target-jsonl and
# target-sqlite as members), the target loop's loader thread (sdk_plugin_test), the file
# targets' writer thread (file_plugins_test: target-csv and target-jsonl, a failing write
# included), the S3 staging pool (s3_server_test) and the S3 state lock's lease renewer, with
# workers racing for one lock (s3_state_lock_test), against the s3rver that
# scripts/test-services.sh starts.
# Builds only what those tests need, with GCC (cmake/ChorusSanitizers.cmake says why not Clang),
# into build/tsan. Extra arguments go to ctest.
# CI runs it after scripts/test.sh, whose servers are still up, and the ASan and clang-tidy steps.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${CHORUS_TSAN_BUILD_DIR:-$repo/build/tsan}
"$repo/scripts/install-deps.sh"
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$repo}
"$repo/scripts/configure-sanitized.sh" "$build" thread
ninja -C "$build" host_test sdk_plugin_test s3_server_test file_plugins_test s3_state_lock_test \
  chorus tap-csv target-sqlite target-jsonl target-csv chorus_fixture_plugins
"$repo/scripts/test-services.sh" start
. "${CHORUS_SERVICES_ENV:-$repo/build/services/env}"
export CHORUS_REQUIRE_SERVICES=1
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}
cd "$build"
# The end-to-end scripts that run members as threads of one host (the taps of progress_test and
# external_and_bad_input_test are external programs, their targets threads).
ctest --output-on-failure --no-tests=error -j "$(nproc)" \
  -R '^(host_test|sdk_plugin_test|s3_server_test|host_run_state_test|host_record_counts_test|host_progress_test|e2e_csv_to_sqlite_test|e2e_external_and_bad_input_test|file_plugins_test|s3_state_lock_test)$' "$@"
echo "chorus: ThreadSanitizer found nothing"
