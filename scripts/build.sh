#!/usr/bin/env bash
# Configures and builds chorus (host, SDK, plugins, tests, bench helpers) into build/main with
# Ninja. Extra arguments go to CMake, e.g. scripts/build.sh -DCHORUS_PLUGIN_TARGET_SNOWFLAKE=OFF.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${CHORUS_BUILD_DIR:-$repo/build/main}
# Let ccache share results between clones of the repository in different folders.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$repo}
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE="${CHORUS_BUILD_TYPE:-Release}" "$@" >/dev/null
ninja -C "$build"
