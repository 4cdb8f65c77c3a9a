#!/usr/bin/env bash
# chorus benchmark: prints each figure next to a baseline measured in the same run.
#
#   bench/run.sh [--records N] [--skip-10m] [--only core|maps|postgres|staging|rest|mysql]
#
# Needs a build (scripts/build.sh). The PostgreSQL and staging parts also need the test
# services (scripts/test-services.sh start) and are skipped with a note when they are absent.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
build=${CHORUS_BUILD_DIR:-$repo/build/main}
records=1000000
big_records=10000000
only=all
while (($#)); do
  case "$1" in
    --records) records=$2; shift ;;
    --skip-10m) big_records=0 ;;
    --only) only=$2; shift ;;
    *) echo "usage: $0 [--records N] [--skip-10m] [--only core|maps|postgres|staging|rest|mysql]" >&2; exit 2 ;;
  esac
  shift
done

chorus="$build/chorus"
generate="$build/chorus-bench-generate"
for tool in "$chorus" "$generate"; do
  [ -x "$tool" ] || { echo "bench: $tool is missing; run scripts/build.sh first" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is missing (Debian package 'time')" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/chorus-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
export CHORUS_PLUGIN_PATH="$build/plugins"
export CHORUS_BENCH_WORK="$work" CHORUS_BENCH_RECORDS="$records"

# measure NAME RECORDS BYTES COMMAND: runs COMMAND under bash, prints one table row and keeps
# the records/s figure in $last_rate. Peak RSS is the largest process of the command.
floor_rate=""
last_rate=""
measure() {
  local name=$1 n=$2 bytes=$3 command=$4
  local start end seconds rss
  start=$(date +%s%N)
  if ! /usr/bin/time -f "%M" -o "$work/rss" bash -c "$command" >"$work/out.log" 2>&1; then
    echo "bench: '$name' failed:" >&2
    tail -n 20 "$work/out.log" >&2
    return 1
  fi
  end=$(date +%s%N)
  seconds=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
  rss=$(awk '{ printf "%.1f", $1 / 1024 }' "$work/rss")
  last_rate=$(awk -v n="$n" -v s="$seconds" 'BEGIN { printf "%.0f", n / s }')
  local mbs vs
  mbs=$(awk -v b="$bytes" -v s="$seconds" 'BEGIN { printf "%.1f", b / 1048576 / s }')
  vs="-"
  if [ -n "$floor_rate" ]; then
    vs=$(awk -v f="$floor_rate" -v r="$last_rate" 'BEGIN { printf "%.1fx", f / r }')
  fi
  printf "%-44s %11d %8.3f %13s %9s %9s %10s\n" "$name" "$n" "$seconds" \
    "$(printf "%'d" "$last_rate")" "$mbs" "$rss" "$vs"
}

# goal LABEL RATE MINIMUM: states whether a throughput goal of the issues is met.
goals=()
goal() {
  local label=$1 rate=$2 minimum=$3 verdict=met
  ((rate >= minimum)) || verdict="NOT met"
  goals+=("$(printf "%-58s %s (%'d records/s)" "$label >= $(printf "%'d" "$minimum") records/s:" "$verdict" "$rate")")
}

header() {
  echo
  echo "== $1"
  printf "%-44s %11s %8s %13s %9s %9s %10s\n" "case" "records" "seconds" "records/s" "MB/s" \
    "RSS MiB" "x floor"
}

core() {
  "$generate" singer "$records" >"$work/orders.singer"
  mkdir -p "$work/csv"
  "$generate" csv "$records" >"$work/csv/orders.csv"
  local singer_bytes csv_bytes
  singer_bytes=$(stat -c %s "$work/orders.singer")
  csv_bytes=$(stat -c %s "$work/csv/orders.csv")
  cat >"$work/target-csv.json" <<JSON
{"destination_path": "$work/out-csv"}
JSON
  cat >"$work/tap-csv.json" <<JSON
{"files": [{"entity": "orders", "path": "$work/csv/orders.csv", "keys": ["id"]}]}
JSON
  cat >"$work/target-sqlite.json" <<JSON
{"database": "$work/orders.db"}
JSON
  header "core: $records orders records, Singer stream $((singer_bytes / 1048576)) MiB, CSV $((csv_bytes / 1048576)) MiB"
  floor_rate=""
  measure "cat | cat (the pipe floor)" "$records" "$singer_bytes" \
    "cat '$work/orders.singer' | cat >/dev/null"
  floor_rate=$last_rate
  rm -rf "$work/out-csv"
  measure "chorus exec target-csv < stream" "$records" "$singer_bytes" \
    "'$chorus' exec target-csv -- --config '$work/target-csv.json' <'$work/orders.singer' >/dev/null"
  local target_csv_rate=$last_rate
  goal "target-csv consuming the stream" "$target_csv_rate" 2000000
  goals+=("$(awk -v f="$floor_rate" -v r="$target_csv_rate" 'BEGIN { printf "%-58s %s (%.1fx)", "target-csv within 5x of the cat | cat floor:", (f / r <= 5 ? "met" : "NOT met"), f / r }')")
  rm -rf "$work/out-csv"
  measure "chorus run tap-csv target-csv" "$records" "$csv_bytes" \
    "'$chorus' run tap-csv target-csv --config tap-csv='$work/tap-csv.json' --config target-csv='$work/target-csv.json' --state '$work/state-csv.json'"
  goal "tap-csv | target-csv through the host" "$last_rate" 1500000
  rm -f "$work/orders.db"*
  measure "chorus run tap-csv target-sqlite (upserts)" "$records" "$csv_bytes" \
    "'$chorus' run tap-csv target-sqlite --config tap-csv='$work/tap-csv.json' --config target-sqlite='$work/target-sqlite.json' --state '$work/state-sqlite.json'"
  goal "tap-csv | target-sqlite with key upserts" "$last_rate" 300000
  rm -f "$work/orders.singer" "$work/orders.db"*

  if ((big_records > 0)); then
    rm -rf "$work/out-csv"
    # Generated on the fly through a pipe: the figure that matters is the target's peak RSS.
    measure "10M stream into target-csv (peak RSS)" "$big_records" "$((singer_bytes / records * big_records))" \
      "'$generate' singer $big_records | '$chorus' exec target-csv -- --config '$work/target-csv.json' >/dev/null"
    local rss_mib
    rss_mib=$(awk '{ printf "%d", $1 / 1024 }' "$work/rss")
    goals+=("$(printf "%-58s %s (%s MiB)" "peak RSS of a 10M-record run into target-csv < 128 MiB:" "$( ((rss_mib < 128)) && echo met || echo "NOT met")" "$rss_mib")")
    rm -rf "$work/out-csv"
  fi
}

# tap-rest against a local paginated API, next to curl (needs python3 and curl).
rest() {
  if ! command -v python3 >/dev/null || ! command -v curl >/dev/null; then
    echo; echo "== rest: skipped: python3 and curl are needed"; return
  fi
  # Sourced: it uses measure and header, and the work folder.
  . "$repo/bench/rest/run.sh"
}

# Stream maps in tap-csv next to the same run without maps. Sourced: it uses measure and goal.
maps() {
  . "$repo/bench/maps/run.sh"
}

services_env() {
  local env_file=${CHORUS_SERVICES_ENV:-$repo/build/services/env}
  [ -f "$env_file" ] && . "$env_file"
  [ -n "${CHORUS_TEST_PG_HOST:-}" ]
}

part() {
  local name=$1 script=$2
  if [ ! -x "$script" ]; then
    echo; echo "== $name: not built yet ($script is missing)"; return
  fi
  if ! services_env; then
    echo; echo "== $name: skipped: test services are not running (scripts/test-services.sh start)"; return
  fi
  echo; echo "== $name"
  CHORUS_BUILD_DIR="$build" "$script" "$build" || echo "bench: $name failed" >&2
}

echo "chorus benchmark on $(nproc) cores, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
case "$only" in
  all) core; maps; rest; part postgres "$repo/bench/postgres/run.sh"; part staging "$repo/bench/staging/run.sh"; part mysql "$repo/bench/mysql/run.sh" ;;
  core) core ;;
  maps) maps ;;
  rest) rest ;;
  postgres) part postgres "$repo/bench/postgres/run.sh" ;;
  staging) part staging "$repo/bench/staging/run.sh" ;;
  mysql) part mysql "$repo/bench/mysql/run.sh" ;;
esac
if ((${#goals[@]})); then
  echo
  echo "== goals"
  printf "%s\n" "${goals[@]}"
fi
