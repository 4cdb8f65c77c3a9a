#!/usr/bin/env bash
# Configures a sanitized build of the tree, for scripts/test-sanitized.sh (address: ASan + UBSan,
# with Clang, the second compiler and the one with libFuzzer) and scripts/test-threads.sh
# (thread: TSan, with GCC; cmake/ChorusSanitizers.cmake says why not Clang). -O0 with line
# tables only (-g1): the instrumented build's compile time is what CI pays for most (under half
# of -O1 -g), the tests spend their time waiting on servers and pipes, and reports still name
# file and line.
# Usage: scripts/configure-sanitized.sh BUILD_DIR address|thread [CMAKE_ARGS...]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
usage="usage: scripts/configure-sanitized.sh BUILD_DIR address|thread [CMAKE_ARGS...]"
build=${1:?$usage}
sanitizer=${2:?$usage}
shift 2
case $sanitizer in
address) cc=clang cxx=clang++ ;;
thread) cc=gcc cxx=g++ ;;
*) echo "$usage" >&2; exit 2 ;;
esac
CC=$cc CXX=$cxx cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_C_FLAGS_DEBUG="-g1 -O0" -DCMAKE_CXX_FLAGS_DEBUG="-g1 -O0" \
  -DCHORUS_SANITIZE="$sanitizer" -DCHORUS_BUILD_BENCH=OFF "$@" >/dev/null
