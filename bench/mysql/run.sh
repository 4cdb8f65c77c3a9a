#!/usr/bin/env bash
# tap-mysql against the mariadb client on a 1M-row orders table, both into /dev/null:
#   - FULL_TABLE: `chorus exec tap-mysql` (Singer RECORD lines) next to `mariadb --quick -e
#     "SELECT ..."` (tab-separated text), the same rows, in the same run;
#   - LOG_BASED: the binary log replay of an UPDATE of every row (1M row events).
#   bench/mysql/run.sh <build-dir> [rows]
# Needs the MariaDB of scripts/test-services.sh (settings from CHORUS_TEST_MYSQL_*, else its
# env file in <build-dir>/services or build/services).
set -euo pipefail

build=$(cd "${1:?usage: run.sh <build-dir> [rows]}" && pwd)
rows=${2:-1000000}
source "$(dirname "$0")/../services_env.sh"
load_services_env "$build" CHORUS_TEST_MYSQL_HOST
: "${CHORUS_TEST_MYSQL_HOST:?MariaDB settings missing: start scripts/test-services.sh}"
work=$(mktemp -d)
db=bench_mysql
as_admin() {
  mariadb --no-defaults -N -B -h "$CHORUS_TEST_MYSQL_HOST" -P "$CHORUS_TEST_MYSQL_PORT" \
    -u "$CHORUS_TEST_MYSQL_ADMIN_USER" -p"$CHORUS_TEST_MYSQL_ADMIN_PASSWORD" "$@"
}
trap 'rm -rf "$work"; as_admin -e "DROP DATABASE IF EXISTS $db"' EXIT

as_admin -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db CHARACTER SET utf8mb4; USE $db;
  CREATE TABLE orders (id bigint PRIMARY KEY, customer varchar(40) NOT NULL,
    amount decimal(12,2), status varchar(10), created_at datetime(6) NOT NULL,
    updated_at timestamp(6) NOT NULL);
  INSERT INTO orders SELECT seq, CONCAT('customer-', seq % 5000), (seq % 100000) / 100,
    ELT(1 + seq % 3, 'new', 'paid', 'shipped'), '2024-01-01' + INTERVAL seq SECOND,
    '2024-01-01' + INTERVAL seq SECOND FROM seq_1_to_$rows;"

# timed <label> <count> <command...>: runs under /usr/bin/time -v, prints seconds, rows/s, RSS.
timed() {
  local label=$1 count=$2
  shift 2
  /usr/bin/time -v -o "$work/time" "$@" >/dev/null 2>"$work/err" || {
    cat "$work/err" >&2
    return 1
  }
  local wall rss counted
  # A tap counts what it wrote: the figure is its count, not the table's size.
  counted=$(grep -o '"metric":"record_count","value":[0-9]*' "$work/err" | grep -o '[0-9]*$' | awk '{s += $1} END {if (NR) print s}' || true)
  count=${counted:-$count}
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$work/time")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time")
  awk -v l="$label" -v c="$count" -v w="$wall" -v r="$rss" \
    'BEGIN {printf "%-44s %9d rows %8.2f s %10.0f rows/s  peak RSS %7.1f MiB\n", l, c, w, (w>0?c/w:0), r/1024}'
}

config() {
  printf '{"host": "%s", "port": %s, "user": "%s", "password": "%s", "databases": ["%s"], "replication": {"%s-orders": {"method": "%s"}}}' \
    "$CHORUS_TEST_MYSQL_HOST" "$CHORUS_TEST_MYSQL_PORT" "$CHORUS_TEST_MYSQL_USER" \
    "$CHORUS_TEST_MYSQL_PASSWORD" "$db" "$db" "$1" >"$work/$1.json"
}
config FULL_TABLE
config LOG_BASED
tap=(env CHORUS_PLUGIN_PATH="$build/plugins" "$build/chorus" exec tap-mysql --)
# A catalog with the stream selected (discovery leaves tables unselected).
"${tap[@]}" --config "$work/FULL_TABLE.json" --discover | python3 -c '
import json, sys
catalog = json.load(sys.stdin)
for stream in catalog["streams"]:
    for entry in stream["metadata"]:
        if not entry["breadcrumb"]:
            entry["metadata"]["selected"] = True
json.dump(catalog, sys.stdout)' >"$work/catalog.json"

echo "rows: $rows (MariaDB $(as_admin -e 'SELECT VERSION()'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
query="SELECT id, customer, amount, status, created_at, updated_at FROM $db.orders"
timed "mariadb --quick -e SELECT > /dev/null" "$rows" \
  mariadb --no-defaults --quick -N -B -h "$CHORUS_TEST_MYSQL_HOST" -P "$CHORUS_TEST_MYSQL_PORT" \
  -u "$CHORUS_TEST_MYSQL_USER" -p"$CHORUS_TEST_MYSQL_PASSWORD" -e "$query"
timed "tap-mysql FULL_TABLE > /dev/null" 0 \
  "${tap[@]}" --config "$work/FULL_TABLE.json" --catalog "$work/catalog.json"

# LOG_BASED: the initial copy gives the position; then every row changes once.
"${tap[@]}" --config "$work/LOG_BASED.json" --catalog "$work/catalog.json" 2>/dev/null |
  grep '"type":"STATE"' | tail -n 1 | python3 -c 'import json, sys; print(json.dumps(json.loads(sys.stdin.read())["value"]))' >"$work/state.json"
as_admin -e "UPDATE $db.orders SET status = 'changed', amount = amount + 1"
timed "tap-mysql LOG_BASED replay of 1 UPDATE" 0 \
  "${tap[@]}" --config "$work/LOG_BASED.json" --catalog "$work/catalog.json" --state "$work/state.json"
