#!/usr/bin/env bash
# `chorus new tap|target|mapper` writes projects that build against the installed SDK and pass
# their own tests, from a clean temporary folder; the scaffolded tap also passes `chorus test`.
#
#   scaffold_projects_test.sh <build dir>
set -euo pipefail
build=$(cd "$1" && pwd)
chorus="$build/chorus"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# Plugins are built with the compiler the SDK was built with (a sanitized SDK needs its runtime).
compiler=$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$build/CMakeCache.txt")

[[ -x "$chorus" ]] || fail "$chorus is not built"
cmake --install "$build" --prefix "$work/prefix" --component chorus-sdk >"$work/install.log" 2>&1 ||
  { cat "$work/install.log"; fail "installing the SDK; build every SDK library first (ninja chorus_sdk_libraries)"; }

for kind in tap target mapper; do
  echo "== chorus new $kind demo-$kind"
  project="$work/projects/$kind"
  "$chorus" new "$kind" "demo-$kind" --dir "$project" >"$work/new-$kind.log" 2>&1 ||
    { cat "$work/new-$kind.log"; fail "chorus new $kind"; }
  cmake -S "$project" -B "$project/build" -G Ninja -DCMAKE_CXX_COMPILER="$compiler" -DCMAKE_PREFIX_PATH="$work/prefix" \
    >"$work/configure-$kind.log" 2>&1 || { cat "$work/configure-$kind.log"; fail "configuring the $kind project"; }
  cmake --build "$project/build" >"$work/build-$kind.log" 2>&1 ||
    { cat "$work/build-$kind.log"; fail "building the $kind project"; }
  [[ -f "$project/build/$kind-demo-$kind.so" ]] || fail "the $kind project built no $kind-demo-$kind.so"
  ctest --test-dir "$project/build" --output-on-failure >"$work/ctest-$kind.log" 2>&1 ||
    { cat "$work/ctest-$kind.log"; fail "the $kind project's own test"; }
  grep -q "100% tests passed" "$work/ctest-$kind.log" || { cat "$work/ctest-$kind.log"; fail "no test ran for the $kind project"; }
done

echo "== chorus test on the scaffolded tap"
echo '{"count": 4}' >"$work/tap.json"
"$chorus" test "$work/projects/tap/build/tap-demo-tap.so" --config "$work/tap.json" >"$work/conformance.log" 2>&1 ||
  { cat "$work/conformance.log"; fail "chorus test tap-demo-tap.so"; }

echo "== chorus new refuses a non-empty folder and a bad name"
if "$chorus" new tap again --dir "$work/projects/tap" >/dev/null 2>&1; then fail "overwrote a project"; fi
if "$chorus" new tap "Bad_Name" --dir "$work/bad" >/dev/null 2>&1; then fail "accepted Bad_Name"; fi
echo "PASS"
