#!/usr/bin/env bash
# tap-postgres | target-postgres against psql's own COPY pipe, on a 1M-row orders table.
#   bench/postgres/run.sh <build-dir> [rows]
# Needs the PostgreSQL of scripts/test-services.sh (settings from CHORUS_TEST_PG_*, else its
# env file in <build-dir>/services or build/services). Prints one line per measurement: wall seconds, rows/s, peak RSS.
set -euo pipefail

build=$(cd "${1:?usage: run.sh <build-dir> [rows]}" && pwd)
rows=${2:-1000000}
changed=10000
source "$(dirname "$0")/../services_env.sh"
source "$(dirname "$0")/../median_runs.sh"
load_services_env "$build" CHORUS_TEST_PG_HOST
: "${CHORUS_TEST_PG_HOST:?PostgreSQL settings missing: start scripts/test-services.sh}"
export PGHOST=$CHORUS_TEST_PG_HOST PGPORT=$CHORUS_TEST_PG_PORT PGUSER=$CHORUS_TEST_PG_USER
export PGPASSWORD=$CHORUS_TEST_PG_PASSWORD
# Both sides without TLS (the test cluster offers it): the comparison is about loading.
export PGSSLMODE=disable

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
src=chorus_bench_src dst=chorus_bench_dst psql_dst=chorus_bench_psql
psql_q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
for db in $src $dst $psql_dst; do
  psql_q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
done

orders_ddl="CREATE TABLE orders (id bigint PRIMARY KEY, customer varchar(40) NOT NULL,
  amount numeric(12,2), status text, created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL)"
psql_q -d $src -c "$orders_ddl" -c "INSERT INTO orders SELECT g, 'customer-' || (g % 5000),
  (g % 100000) / 100.0, (ARRAY['new','paid','shipped'])[1 + g % 3],
  timestamptz '2024-01-01' + g * interval '1 second',
  timestamptz '2024-01-01' + g * interval '1 second' FROM generate_series(1, $rows) g" \
  -c "ANALYZE orders"

# timed <label> <count> <reset> <command...>: runs the command $repeat times with median_runs
# (the shell command <reset> before each run, so that every run starts alike; the output of the
# last run in $work/out), prints the median run's seconds and rows/s and the largest peak RSS.
repeat=${CHORUS_BENCH_REPEAT:-3}
timed() {
  local label=$1 count=$2 reset=$3
  shift 3
  median_runs "$repeat" "$work/out" "$reset" "$(printf '%q ' "$@")" || {
    cat "$work/out" >&2
    return 1
  }
  local wall=$median_seconds rss=$peak_rss_kib
  # The label goes through ENVIRON: awk -v would read its backslashes as escapes.
  LABEL=$label awk -v c="$count" -v w="$wall" -v r="$rss" -v runs="$repeat" \
    'BEGIN {printf "%-34s %9d rows %8.2f s %10.0f rows/s  peak RSS %7.1f MiB  (median of %d)\n", ENVIRON["LABEL"], c, w, (w>0?c/w:0), r/1024, runs}'
  last_rate=$(awk -v c="$count" -v w="$wall" 'BEGIN { printf "%.0f", (w > 0 ? c / w : 0) }')
  last_rss_mib=$(awk -v r="$rss" 'BEGIN { printf "%.0f", r / 1024 }')
}

conn() { printf '"host":"%s","port":%s,"user":"%s","password":"%s","dbname":"%s","sslmode":"disable"' \
  "$PGHOST" "$PGPORT" "$PGUSER" "$PGPASSWORD" "$1"; }
# pipeline <file> <replication> <target schema>: a tap-postgres | target-postgres pipeline.
pipeline() {
  cat >"$work/$1" <<YAML
name: bench-postgres
state: $work/$1.state.json
tap:
  plugin: tap-postgres
  config: {$(conn $src), replication: {public-orders: $2}}
  select: [public-orders]
target:
  plugin: target-postgres
  config: {$(conn $dst), default_target_schema: $3}
YAML
}
pipeline full.yml "{method: FULL_TABLE}" bench_full
pipeline incremental.yml "{method: INCREMENTAL, replication_key: updated_at}" bench_incremental
chorus_run=(env CHORUS_PLUGIN_PATH="$build/plugins" "$build/chorus" run --pipeline)

echo "rows: $rows"
psql_q -d $psql_dst -c "$orders_ddl"
timed "psql \\copy | psql \\copy" "$rows" "psql -X -q -d $psql_dst -c 'TRUNCATE orders'; sync" \
  bash -c "psql -X -q -d $src -c '\\copy (SELECT * FROM orders) TO STDOUT' |
   psql -X -q -d $psql_dst -c '\\copy orders FROM STDIN'"
psql_rate=$last_rate
# Each run loads the whole table anew: the target's schema and the state go first.
timed "chorus full table" "$rows" \
  "psql -X -q -d $dst -c 'DROP SCHEMA IF EXISTS bench_full CASCADE' 2>/dev/null; rm -f '$work/full.yml.state.json'; sync" \
  "${chorus_run[@]}" "$work/full.yml"
full_rate=$last_rate full_rss=$last_rss_mib
loaded=$(psql -X -At -d $dst -c "SELECT count(*) FROM bench_full.orders")
echo "loaded by chorus: $loaded rows"
# A nightly full sync meets the rows of the night before: every row is upserted, and rows of
# older versions are marked deleted. Shown for reference; the goal is about the first load.
repeat=1 timed "chorus full table re-run" "$rows" true "${chorus_run[@]}" "$work/full.yml"
current=$(psql -X -At -d $dst -c "SELECT count(*) FILTER (WHERE _sdc_deleted_at IS NULL) || ' rows, ' || count(DISTINCT _sdc_table_version) || ' version' FROM bench_full.orders")
echo "after the re-run: $current"

# The incremental pipeline's first run reads the table ordered by updated_at (a sort on the
# server); shown for reference, the goal is about the re-run.
repeat=1 timed "chorus incremental first run" "$rows" true "${chorus_run[@]}" "$work/incremental.yml"
psql_q -d $src -c "UPDATE orders SET status = 'refunded', updated_at = now() WHERE id % ($rows / $changed) = 0"
repeat=1 timed "chorus incremental re-run" "$changed" true "${chorus_run[@]}" "$work/incremental.yml"
incremental_rss=$last_rss_mib
grep -o 'run succeeded: [0-9]* records read' "$work/out" | sed 's/^/incremental re-run /' || true
refunded=$(psql -X -At -d $dst -c "SELECT count(*) FROM bench_incremental.orders WHERE status = 'refunded'")
echo "incremental: $changed rows changed at the source, $refunded refunded rows in the target"

echo
awk -v c="$full_rate" -v p="$psql_rate" 'BEGIN { printf "%-58s %s (%.0f%%: %d rows/s; psql pipe: %d rows/s)\n",
  "full table at >= 80% of the psql pipe:", (c >= p * 0.8 ? "goal met" : "goal NOT met"), 100 * c / p, c, p }'
# Each run's peak RSS covers the host with both plugins in it, an upper bound for each plugin.
for rss in "$full_rss" "$incremental_rss"; do
  printf "%-58s %s (%s MiB)\n" "peak RSS < 256 MiB (host + tap + target):" \
    "$( ((rss < 256)) && echo "goal met" || echo "goal NOT met")" "$rss"
done

for db in $src $dst $psql_dst; do psql_q -d postgres -c "DROP DATABASE IF EXISTS $db"; done
