#!/usr/bin/env bash
# Instructions per row of a tap-postgres | target-postgres FULL_TABLE sync under
# valgrind --tool=callgrind: the client side only (host, tap and target; not the server), a
# figure that other load on the machine does not change.
#   bench/postgres/callgrind.sh <build-dir> [rows]   (rows: 100000 unless given)
# Needs valgrind and the PostgreSQL of scripts/test-services.sh, as bench/postgres/run.sh does.
set -euo pipefail

build=$(cd "${1:?usage: callgrind.sh <build-dir> [rows]}" && pwd)
rows=${2:-100000}
command -v valgrind >/dev/null || { echo "callgrind.sh: needs valgrind" >&2; exit 1; }
source "$(dirname "$0")/../services_env.sh"
load_services_env "$build" CHORUS_TEST_PG_HOST
: "${CHORUS_TEST_PG_HOST:?PostgreSQL settings missing: start scripts/test-services.sh}"
export PGHOST=$CHORUS_TEST_PG_HOST PGPORT=$CHORUS_TEST_PG_PORT PGUSER=$CHORUS_TEST_PG_USER
export PGPASSWORD=$CHORUS_TEST_PG_PASSWORD PGSSLMODE=disable

work=$(mktemp -d)
src=chorus_callgrind_src dst=chorus_callgrind_dst
psql_q() { PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 "$@"; }
drop_databases() {
  for db in $src $dst; do psql_q -d postgres -c "DROP DATABASE IF EXISTS $db"; done
}
trap 'drop_databases; rm -rf "$work"' EXIT
drop_databases
for db in $src $dst; do psql_q -d postgres -c "CREATE DATABASE $db"; done
# The same orders table as bench/postgres/run.sh.
psql_q -d $src -c "CREATE TABLE orders (id bigint PRIMARY KEY, customer varchar(40) NOT NULL,
  amount numeric(12,2), status text, created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL)" -c "INSERT INTO orders SELECT g, 'customer-' || (g % 5000),
  (g % 100000) / 100.0, (ARRAY['new','paid','shipped'])[1 + g % 3],
  timestamptz '2024-01-01' + g * interval '1 second',
  timestamptz '2024-01-01' + g * interval '1 second' FROM generate_series(1, $rows) g" \
  -c "ANALYZE orders"

conn() { printf '"host":"%s","port":%s,"user":"%s","password":"%s","dbname":"%s","sslmode":"disable"' \
  "$PGHOST" "$PGPORT" "$PGUSER" "$PGPASSWORD" "$1"; }
cat >"$work/full.yml" <<YAML
name: bench-postgres-callgrind
state: full.state.json
tap:
  plugin: tap-postgres
  config: {$(conn $src), replication: {public-orders: {method: FULL_TABLE}}}
  select: [public-orders]
target:
  plugin: target-postgres
  config: {$(conn $dst), default_target_schema: bench_full}
YAML

# One output file per process, so that a plugin run in a child process is counted too.
if ! CHORUS_PLUGIN_PATH="$build/plugins" valgrind --tool=callgrind \
  --callgrind-out-file="$work/callgrind.out.%p" "$build/chorus" run --pipeline "$work/full.yml" \
  >"$work/out.log" 2>"$work/callgrind.log"; then
  tail -n 20 "$work/callgrind.log" >&2
  exit 1
fi
loaded=$(psql -X -At -d $dst -c "SELECT count(*) FROM bench_full.orders")
[ "$loaded" = "$rows" ] || { echo "callgrind.sh: $loaded rows loaded of $rows" >&2; exit 1; }
total=$(awk '/^summary:/ { sum += $2 } END { printf "%.0f", sum }' "$work"/callgrind.out.*)
printf "%-44s %'14d %'10d\n" "tap-postgres | target-postgres FULL_TABLE" "$total" $((total / rows))
