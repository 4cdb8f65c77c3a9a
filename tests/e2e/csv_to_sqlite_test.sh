#!/usr/bin/env bash
# tap-csv -> target-sqlite and target-jsonl from a pipeline file: a full load, a resumed
# incremental load, and the state only ever advanced from the target's output.
source "$(dirname "$0")/lib.sh"

mkdir -p data
write_orders data/orders.csv 1 1000
cat >pipeline.yml <<'YAML'
name: orders
tap:
  plugin: tap-csv
  config:
    state_every: 100
    files:
      - entity: orders
        path: data/orders.csv
        keys: [OrderId]
        replication_key: LastUpdated
target:
  plugin: target-sqlite
  config:
    database: ${DB_FILE:-out.db}
YAML

expect_exit 0 "first load" -- "$CHORUS" run --pipeline pipeline.yml
expect_equal "$(sqlite3 out.db 'select count(*), count(distinct OrderId) from orders')" "1000|1000" "rows after the first load"
expect_contains .chorus/orders.state.json "replication_key_value" "state stored from the target's STATE"
expect_contains err "stream orders: 1000 read, 1000 committed" "summary counts the tap's records"

write_orders data/orders.csv 1001 1010
expect_exit 0 "incremental load" -- "$CHORUS" run --pipeline pipeline.yml
expect_equal "$(sqlite3 out.db 'select count(*) from orders')" "1010" "rows after the incremental load"
expect_equal "$(sqlite3 out.db 'select Customer from orders where OrderId = 1010')" "customer 40" "new row loaded"

expect_exit 0 "state show" -- "$CHORUS" state show --pipeline pipeline.yml
expect_contains out '"replication_key_value"' "state show"

# The same source to JSON Lines, from the command line.
echo '{"files":[{"entity":"orders","path":"data/orders.csv","keys":["OrderId"]}]}' >tap.json
expect_exit 0 "to target-jsonl" -- "$CHORUS" run tap-csv target-jsonl --config tap-csv=tap.json \
  --config 'target-jsonl={"destination_path":"jsonl"}' --select orders
expect_equal "$(cat jsonl/orders.jsonl | wc -l)" "1010" "jsonl lines"

# --isolate runs the same pipeline in child processes.
expect_exit 0 "isolated load" -- env DB_FILE=isolated.db "$CHORUS" run --isolate --pipeline pipeline.yml --full-refresh
expect_equal "$(sqlite3 isolated.db 'select count(*) from orders')" "1010" "rows after an isolated full refresh"
finish
