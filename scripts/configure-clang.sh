#!/usr/bin/env bash
# Configures a Clang build of the tree under a sanitizer, for scripts/test-sanitized.sh
# (address: ASan + UBSan) and scripts/test-threads.sh (thread: TSan). -O1 keeps the
# instrumented tests fast enough without hiding reports behind optimisation.
# Usage: scripts/configure-clang.sh BUILD_DIR address|thread [CMAKE_ARGS...]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${1:?usage: scripts/configure-clang.sh BUILD_DIR address|thread [CMAKE_ARGS...]}
sanitizer=${2:?usage: scripts/configure-clang.sh BUILD_DIR address|thread [CMAKE_ARGS...]}
shift 2
CC=clang CXX=clang++ cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_C_FLAGS_DEBUG="-g -O1" -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" \
  -DCHORUS_SANITIZE="$sanitizer" -DCHORUS_BUILD_BENCH=OFF "$@" >/dev/null
