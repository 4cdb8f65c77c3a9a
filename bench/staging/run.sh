#!/usr/bin/env bash
# Staging benchmark: 1M orders records read from Singer lines into a batch, then written as CSV,
# compressed with zstd and uploaded to the test S3 server, next to `zstd -1` alone on the same
# CSV bytes, in the same run. Goals: staging within 1.3x of zstd -1; staging adds < 256 MiB to
# the resident memory of the batch it is given.
#
# Called by bench/run.sh (which sources the test services' env); CHORUS_BUILD_DIR is the build.
set -euo pipefail
build=${CHORUS_BUILD_DIR:?set CHORUS_BUILD_DIR to the build directory}
records=${CHORUS_BENCH_RECORDS:-1000000}
bench="$build/chorus-bench-staging"
generate="$build/chorus-bench-generate"
for tool in "$bench" "$generate"; do
  [ -x "$tool" ] || { echo "bench/staging: $tool is missing; build it first" >&2; exit 1; }
done
: "${CHORUS_TEST_S3_ENDPOINT:?the test services are not running (scripts/test-services.sh start)}"

work=$(mktemp -d "${TMPDIR:-/tmp}/chorus-staging.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$generate" singer "$records" >"$work/orders.singer"
"$bench" csv <"$work/orders.singer" >"$work/orders.csv"
csv_bytes=$(stat -c %s "$work/orders.csv")

. "$(dirname "$0")/../median_runs.sh"
# timed NAME COMMAND [RUNS]: runs COMMAND RUNS times (1 unless given) with median_runs and prints
# the median seconds and the peak RSS (MiB); keeps them in $seconds and $rss_mib.
timed() {
  local name=$1 command=$2 runs=${3:-1}
  median_runs "$runs" "$work/run.log" true "$command" || {
    echo "bench/staging: '$name' failed:" >&2; cat "$work/run.log" >&2; exit 1; }
  seconds=$median_seconds
  rss_mib=$(awk -v r="$peak_rss_kib" 'BEGIN { printf "%.1f", r / 1024 }')
  printf "%-48s %8.3f s %9.1f MB/s %8s MiB\n" "$name" "$seconds" \
    "$(awk -v b="$csv_bytes" -v s="$seconds" 'BEGIN { printf "%.1f", b / 1048576 / s }')" "$rss_mib"
}

echo "$records orders records, CSV $((csv_bytes / 1048576)) MiB"
timed "zstd -1 on the CSV bytes (baseline, median of 3)" "zstd -1 -q -c '$work/orders.csv' >/dev/null" 3
baseline=$seconds
timed "read batch + 3 x (stage + clean-up)" "'$bench' stage <'$work/orders.singer' >'$work/stage.out'"
# The goal is about staging (batch in memory to last object stored), which the program times
# itself; reading the Singer lines into the batch comes before it, as in the warehouse targets.
# value_of NAME: a figure the program printed.
value_of() { awk -v p="$1" '$1 == p { print $2 }' "$work/stage.out"; }
staging=$(value_of staging_seconds)
printf "%-48s %8.3f s\n" "  reading the lines into a batch" "$(value_of parse_seconds)"
printf "%-48s %8.3f s %9.1f MB/s (%s s)\n" "  staging, batch to last object stored (median)" \
  "$staging" "$(awk -v b="$csv_bytes" -v s="$staging" 'BEGIN { printf "%.1f", b / 1048576 / s }')" \
  "$(value_of staging_range)"
staging_rss=$(value_of staging_rss_mib)
ratio=$(awk -v a="$staging" -v b="$baseline" 'BEGIN { printf "%.2f", a / b }')
echo
printf "%-58s %s (%sx: %s s; zstd -1: %s s)\n" "staging within 1.3x of zstd -1:" \
  "$(awk -v r="$ratio" 'BEGIN { print (r <= 1.3 ? "goal met" : "goal NOT met") }')" "$ratio" \
  "$staging" "$baseline"
printf "%-58s %s (%s MiB)\n" "staging peak RSS < 256 MiB (above the batch's):" \
  "$(awk -v r="$staging_rss" 'BEGIN { print (r < 256 ? "goal met" : "goal NOT met") }')" "$staging_rss"
