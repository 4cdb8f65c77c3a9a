#!/usr/bin/env bash
# Partitioned full-table sync, tap-postgres -> target-postgres: one table of ROWS rows (default
# 1,000,000) synced by one plain run, then by N = 1, 2 and 4 `chorus run --partition K/N`
# workers started at once on this machine, each followed by --finalize. Prints rows/s (rows over
# the wall time from the first start to the last slice's end; finalize not included) and what
# each slice read, to show the split. Needs a build and scripts/test-services.sh start.
#
#   bench/postgres/partitions.sh [ROWS]
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${CHORUS_BUILD_DIR:-$repo/build/main}
source "$repo/bench/services_env.sh"
load_services_env "$build" CHORUS_TEST_PG_HOST
rows=${1:-1000000}
chorus="$build/chorus"
export CHORUS_PLUGIN_PATH="$build/plugins"
export PGPASSWORD="$CHORUS_TEST_PG_PASSWORD"
work=$(mktemp -d "${TMPDIR:-/tmp}/chorus-bench-partitions.XXXXXX")
src="bench_part_src_$$"
dst="bench_part_dst_$$"
sql() { psql -X -q -A -t -v ON_ERROR_STOP=1 -h "$CHORUS_TEST_PG_HOST" -p "$CHORUS_TEST_PG_PORT" -U "$CHORUS_TEST_PG_USER" -d "$1" -c "$2"; }
trap 'sql postgres "DROP DATABASE IF EXISTS $src WITH (FORCE)" >/dev/null; sql postgres "DROP DATABASE IF EXISTS $dst WITH (FORCE)" >/dev/null; rm -rf "$work"' EXIT
sql postgres "CREATE DATABASE $src" >/dev/null
sql "$src" "CREATE TABLE items (id bigint PRIMARY KEY, payload text NOT NULL, amount numeric(12,2), at timestamptz);
  INSERT INTO items SELECT g, 'item ' || g, g * 0.25, now() FROM generate_series(1, $rows) g" >/dev/null
conn() { printf 'host: "%s", port: %s, user: "%s", password: "%s", dbname: "%s", sslmode: disable' \
  "$CHORUS_TEST_PG_HOST" "$CHORUS_TEST_PG_PORT" "$CHORUS_TEST_PG_USER" "$CHORUS_TEST_PG_PASSWORD" "$1"; }
cd "$work"
fresh_target() {
  sql postgres "DROP DATABASE IF EXISTS $dst WITH (FORCE)" >/dev/null
  sql postgres "CREATE DATABASE $dst" >/dev/null
  rm -rf .chorus
  cat >pipe.yml <<YAML
name: bench-partitions
tap: {plugin: tap-postgres, config: {$(conn "$src")}, select: ["public-items"]}
target: {plugin: target-postgres, config: {$(conn "$dst")}}
YAML
}
now() { date +%s.%N; }
echo "rows: $rows, cores: $(nproc)"
fresh_target
start=$(now)
"$chorus" run --pipeline pipe.yml 2>single.err
end=$(now)
single=$(python3 -c "print(round($rows / ($end - $start)))")
echo "single process (no --partition): $single rows/s"
for n in 1 2 4; do
  fresh_target
  pids=()
  start=$(now)
  for k in $(seq 1 "$n"); do
    "$chorus" run --pipeline pipe.yml --partition "$k/$n" 2>"slice$k.err" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid"; done
  end=$(now)
  "$chorus" run --pipeline pipe.yml --finalize 2>finalize.err
  loaded=$(sql "$dst" "SELECT count(*) FROM public.items")
  [[ $loaded == "$rows" ]] || { echo "N=$n: target holds $loaded rows, not $rows" >&2; exit 1; }
  shares=""
  for k in $(seq 1 "$n"); do
    shares+=" $(sed -n 's/.*run succeeded: \([0-9]*\) records read.*/\1/p' "slice$k.err")"
  done
  echo "N=$n workers: $(python3 -c "print(round($rows / ($end - $start)))") rows/s ($(python3 -c "print(round($rows / ($end - $start) / $single, 2))")x the single process); rows read per slice:$shares"
done
