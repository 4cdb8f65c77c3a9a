#!/usr/bin/env bash
# Runs every libFuzzer target of a build configured with -DCHORUS_BUILD_FUZZ=ON (Clang), each for
# CHORUS_FUZZ_RUNS inputs (default 20000) from a fixed CHORUS_FUZZ_SEED (default 1), at most
# CHORUS_FUZZ_SECONDS (default 60), starting from its seed corpus in tests/fuzz/corpus/<name>/.
# A fixed seed and count make a CI result reproducible on any machine, fast or slow; raise the
# count, or set CHORUS_FUZZ_RUNS=-1 and a seed of 0 (random) for open-ended fuzzing.
# Fails on the first crash, leak, sanitizer report or timeout, and
# leaves the input that caused it in build/.../fuzz/findings/ (add it to the corpus once fixed).
# Usage: scripts/fuzz.sh BUILD_DIR [NAME...]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${1:?usage: scripts/fuzz.sh BUILD_DIR [NAME...]}
shift
seconds=${CHORUS_FUZZ_SECONDS:-60}
runs=${CHORUS_FUZZ_RUNS:-20000}
seed=${CHORUS_FUZZ_SEED:-1}
names=("$@")
if ((${#names[@]} == 0)); then
  for dir in "$repo"/tests/fuzz/corpus/*/; do names+=("$(basename "$dir")"); done
fi
findings=$build/fuzz/findings
mkdir -p "$findings"
for name in "${names[@]}"; do
  binary=$build/fuzz/fuzz-$name
  [[ -x "$binary" ]] || { echo "chorus: $binary missing (configure with -DCHORUS_BUILD_FUZZ=ON)" >&2; exit 1; }
  # New inputs go to a scratch folder: the corpus in the tree only changes by hand.
  scratch=$build/fuzz/corpus-$name
  mkdir -p "$scratch"
  echo "chorus: fuzzing $name: $runs inputs from seed $seed, at most ${seconds}s"
  "$binary" -seed="$seed" -runs="$runs" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 -max_len=65536 \
    -artifact_prefix="$findings/$name-" -print_final_stats=1 \
    "$scratch" "$repo/tests/fuzz/corpus/$name" 2>"$build/fuzz/$name.log" || {
    echo "chorus: fuzz-$name failed; the tail of its log ($build/fuzz/$name.log):" >&2
    tail -n 40 "$build/fuzz/$name.log" >&2
    exit 1
  }
  grep -E '^stat::number_of_executed_units' "$build/fuzz/$name.log" || true
done
echo "chorus: fuzzing passed (${#names[@]} targets, $runs inputs from seed $seed each)"
