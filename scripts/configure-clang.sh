#!/usr/bin/env bash
# Configures a Clang build of the tree under a sanitizer, for scripts/test-sanitized.sh
# (address: ASan + UBSan) and scripts/test-threads.sh (thread: TSan). -O0 with line tables
# only (-g1): the instrumented build's compile time is what CI pays for most (under half of
# -O1 -g), the tests spend their time waiting on servers and pipes, and reports still name
# file and line.
# Usage: scripts/configure-clang.sh BUILD_DIR address|thread [CMAKE_ARGS...]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${1:?usage: scripts/configure-clang.sh BUILD_DIR address|thread [CMAKE_ARGS...]}
sanitizer=${2:?usage: scripts/configure-clang.sh BUILD_DIR address|thread [CMAKE_ARGS...]}
shift 2
CC=clang CXX=clang++ cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_C_FLAGS_DEBUG="-g1 -O0" -DCMAKE_CXX_FLAGS_DEBUG="-g1 -O0" \
  -DCHORUS_SANITIZE="$sanitizer" -DCHORUS_BUILD_BENCH=OFF "$@" >/dev/null
