#!/usr/bin/env bash
# Runs clang-tidy (checks in .clang-tidy) over every source file of the SDK and the host, using
# the compile commands of a Clang build directory (default $CHORUS_ASAN_BUILD_DIR or build/asan,
# the build of scripts/test-sanitized.sh, so CI configures nothing twice). Reports every finding
# and fails if there is one. About 14 s of CPU a file: CI pays about 18 minutes on two cores.
# Usage: scripts/check-tidy.sh [BUILD_DIR]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-${CHORUS_ASAN_BUILD_DIR:-$repo/build/asan}}
[[ -f "$build/compile_commands.json" ]] || {
  echo "chorus: $build/compile_commands.json missing (configure a build there first)" >&2
  exit 1
}
cd "$repo"
mapfile -t files < <(git ls-files 'sdk/src/*.cpp' 'host/src/*.cpp')
# -quiet keeps the output to the findings; xargs spreads the files over the cores.
if ! printf '%s\n' "${files[@]}" |
  xargs -P "$(nproc)" -n 8 clang-tidy -p "$build" -quiet --warnings-as-errors='*' 2>/dev/null; then
  echo "chorus: clang-tidy found problems (above); fix them or silence one where it stands" \
    "with // NOLINT(check): why" >&2
  exit 1
fi
echo "chorus: clang-tidy is clean on ${#files[@]} SDK and host files"
