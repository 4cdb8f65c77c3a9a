#!/usr/bin/env bash
# chorus benchmark: prints each figure next to a baseline measured in the same run.
#
#   bench/run.sh [--records N] [--skip-10m] [--callgrind] [--only core|maps|postgres|staging|rest|mysql]
#
# Needs a build (scripts/build.sh). The PostgreSQL and staging parts also need the test
# services (scripts/test-services.sh start) and are skipped with a note when they are absent.
# --callgrind adds, per core case and for the PostgreSQL pipeline, the instructions per record
# of a 100k-record run under valgrind --tool=callgrind: a figure that other load on the machine
# does not change.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
build=${CHORUS_BUILD_DIR:-$repo/build/main}
records=1000000
big_records=10000000
only=all
callgrind=0
while (($#)); do
  case "$1" in
    --records) records=$2; shift ;;
    --skip-10m) big_records=0 ;;
    --callgrind) callgrind=1 ;;
    --only) only=$2; shift ;;
    *) echo "usage: $0 [--records N] [--skip-10m] [--callgrind] [--only core|maps|postgres|staging|rest|mysql]" >&2; exit 2 ;;
  esac
  shift
done

chorus="$build/chorus"
generate="$build/chorus-bench-generate"
for tool in "$chorus" "$generate"; do
  [ -x "$tool" ] || { echo "bench: $tool is missing; run scripts/build.sh first" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is missing (Debian package 'time')" >&2; exit 1; }
if ((callgrind)) && ! command -v valgrind >/dev/null; then
  echo "bench: --callgrind needs valgrind (Debian package 'valgrind')" >&2
  exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/chorus-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
export CHORUS_PLUGIN_PATH="$build/plugins"
export CHORUS_BENCH_WORK="$work" CHORUS_BENCH_RECORDS="$records"
. "$repo/bench/median_runs.sh"

# measure NAME RECORDS BYTES COMMAND [RESET]: runs COMMAND $repeat times with median_runs
# (RESET before each run), prints one table row with the median time, and keeps its
# records/s figure in $last_rate. Peak RSS is the largest process of the command, over the runs.
repeat=3
floor_rate=""
last_rate=""
measure() {
  local name=$1 n=$2 bytes=$3 command=$4 reset=${5:-true}
  local seconds rss
  if ! median_runs "$repeat" "$work/out.log" "$reset" "$command"; then
    echo "bench: '$name' failed:" >&2
    tail -n 20 "$work/out.log" >&2
    return 1
  fi
  seconds=$median_seconds
  rss=$peak_rss_kib
  echo "$rss" >"$work/rss"  # the 10M case reads the peak from here
  rss=$(awk -v r="$rss" 'BEGIN { printf "%.1f", r / 1024 }')
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

# goal LABEL RATE MINIMUM BASELINE: states whether a throughput goal is met, with the
# baseline measured in the same run.
goals=()
goal() {
  local label=$1 rate=$2 minimum=$3 baseline=$4 verdict="goal met"
  ((rate >= minimum)) || verdict="goal NOT met"
  goals+=("$(printf "%-58s %s (%'d records/s; %s)" "$label >= $(printf "%'d" "$minimum") records/s:" "$verdict" "$rate" "$baseline")")
}

# instructions NAME RECORDS COMMAND: with --callgrind, runs COMMAND (which reads a RECORDS-long
# input) under callgrind and prints its instructions per record.
callgrind_rows=()
instructions() {
  ((callgrind)) || return 0
  local name=$1 n=$2 command=$3 total
  rm -f "$work"/callgrind.out*
  # One file per process: a member that runs in a child process is counted too.
  if ! bash -c "valgrind --tool=callgrind --callgrind-out-file='$work/callgrind.out.%p' $command" \
    >"$work/out.log" 2>"$work/callgrind.log"; then
    echo "bench: '$name' failed under callgrind:" >&2
    tail -n 20 "$work/callgrind.log" >&2
    return 1
  fi
  total=$(awk '/^summary:/ { sum += $2 } END { printf "%.0f", sum }' "$work"/callgrind.out.*)
  callgrind_rows+=("$(printf "%-44s %'14d %'10d" "$name" "$total" $((total / n)))")
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
  measure "chorus exec target-csv < stream" "$records" "$singer_bytes" \
    "'$chorus' exec target-csv -- --config '$work/target-csv.json' <'$work/orders.singer' >/dev/null" \
    "rm -rf '$work/out-csv'"
  local target_csv_rate=$last_rate floor="cat | cat: $(printf "%'d" "$floor_rate") records/s"
  goal "target-csv consuming the stream" "$target_csv_rate" 3000000 "$floor"
  goals+=("$(awk -v f="$floor_rate" -v r="$target_csv_rate" -v b="$floor" 'BEGIN { printf "%-58s %s (%.1fx; %s)", "target-csv within 4x of the cat | cat floor:", (f / r <= 4 ? "goal met" : "goal NOT met"), f / r, b }')")
  measure "chorus run tap-csv target-csv" "$records" "$csv_bytes" \
    "'$chorus' run tap-csv target-csv --config tap-csv='$work/tap-csv.json' --config target-csv='$work/target-csv.json' --state '$work/state-csv.json'" \
    "rm -rf '$work/out-csv' '$work/state-csv.json'"
  goal "tap-csv | target-csv through the host" "$last_rate" 2000000 "$floor"
  local csv_rate=$last_rate
  measure "chorus run tap-csv target-sqlite (upserts)" "$records" "$csv_bytes" \
    "'$chorus' run tap-csv target-sqlite --config tap-csv='$work/tap-csv.json' --config target-sqlite='$work/target-sqlite.json' --state '$work/state-sqlite.json'" \
    "rm -f '$work/orders.db'* '$work/state-sqlite.json'"
  goal "tap-csv | target-sqlite with key upserts" "$last_rate" 500000 \
    "tap-csv | target-csv: $(printf "%'d" "$csv_rate") records/s"
  core_instructions
  rm -f "$work/orders.singer" "$work/orders.db"*

  if ((big_records > 0)); then
    rm -rf "$work/out-csv"
    # Generated on the fly through a pipe: the figure that matters is the target's peak RSS,
    # which one run shows.
    repeat=1 measure "10M stream into target-csv (peak RSS)" "$big_records" "$((singer_bytes / records * big_records))" \
      "'$generate' singer $big_records | '$chorus' exec target-csv -- --config '$work/target-csv.json' >/dev/null"
    local rss_mib
    rss_mib=$(awk '{ printf "%d", $1 / 1024 }' "$work/rss")
    goals+=("$(printf "%-58s %s (%s MiB)" "peak RSS of a 10M-record run into target-csv < 128 MiB:" "$( ((rss_mib < 128)) && echo "goal met" || echo "goal NOT met")" "$rss_mib")")
    rm -rf "$work/out-csv"
  fi
}

# The core cases again on 100k records under callgrind (--callgrind only).
core_instructions() {
  ((callgrind)) || return 0
  local n=100000
  mkdir -p "$work/small/csv"
  "$generate" singer "$n" >"$work/small/orders.singer"
  "$generate" csv "$n" >"$work/small/csv/orders.csv"
  cat >"$work/small/target-csv.json" <<JSON
{"destination_path": "$work/small/out-csv"}
JSON
  cat >"$work/small/tap-csv.json" <<JSON
{"files": [{"entity": "orders", "path": "$work/small/csv/orders.csv", "keys": ["id"]}]}
JSON
  cat >"$work/small/target-sqlite.json" <<JSON
{"database": "$work/small/orders.db"}
JSON
  instructions "chorus exec target-csv < stream" "$n" \
    "'$chorus' exec target-csv -- --config '$work/small/target-csv.json' <'$work/small/orders.singer'"
  rm -rf "$work/small/out-csv"
  instructions "chorus run tap-csv target-csv" "$n" \
    "'$chorus' run tap-csv target-csv --config tap-csv='$work/small/tap-csv.json' --config target-csv='$work/small/target-csv.json' --state '$work/small/state-csv.json'"
  instructions "chorus run tap-csv target-sqlite (upserts)" "$n" \
    "'$chorus' run tap-csv target-sqlite --config tap-csv='$work/small/tap-csv.json' --config target-sqlite='$work/small/target-sqlite.json' --state '$work/small/state-sqlite.json'"
  rm -rf "$work/small"
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

# The PostgreSQL pipeline on 100k rows under callgrind (--callgrind only), client side.
postgres_instructions() {
  ((callgrind)) && services_env || return 0
  local row
  row=$("$repo/bench/postgres/callgrind.sh" "$build" 100000) || { echo "bench: postgres under callgrind failed" >&2; return 0; }
  callgrind_rows+=("$row")
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
  all) core; maps; rest; part postgres "$repo/bench/postgres/run.sh"; postgres_instructions; part staging "$repo/bench/staging/run.sh"; part mysql "$repo/bench/mysql/run.sh" ;;
  core) core ;;
  maps) maps ;;
  rest) rest ;;
  postgres) part postgres "$repo/bench/postgres/run.sh"; postgres_instructions ;;
  staging) part staging "$repo/bench/staging/run.sh" ;;
  mysql) part mysql "$repo/bench/mysql/run.sh" ;;
esac
if ((${#callgrind_rows[@]})); then
  echo
  echo "== instructions per record (callgrind, 100k records; the same under any load)"
  printf "%-44s %14s %10s\n" "case" "instructions" "per record"
  printf "%s\n" "${callgrind_rows[@]}"
fi
if ((${#goals[@]})); then
  echo
  echo "== goals"
  printf "%s\n" "${goals[@]}"
fi
