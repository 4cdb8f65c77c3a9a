#!/usr/bin/env bash
# A run killed with SIGKILL mid-way, then re-run, gives exactly the source rows: no loss, the
# upserts make re-sent rows harmless, and the state file is never torn.
source "$(dirname "$0")/lib.sh"

mkdir -p data
write_orders data/orders.csv 1 300000
cat >tap.json <<'JSON'
{"state_every": 500, "files": [{"entity": "orders", "path": "data/orders.csv", "keys": ["OrderId"],
  "replication_key": "LastUpdated"}]}
JSON
args=(run tap-csv target-sqlite --config tap-csv=tap.json
  --config 'target-sqlite={"database":"out.db"}' --state state.json)
run() { "$CHORUS" "${args[@]}"; }

# Started directly, not through run(): $! must be chorus itself, not a subshell whose SIGKILL
# would leave chorus running beside the re-run.
"$CHORUS" "${args[@]}" 2>err &
pid=$!
# Kill once the target has confirmed some state, while rows are still flowing.
for _ in $(seq 1 600); do
  [[ -s state.json ]] && break
  sleep 0.05
done
kill -KILL $pid
wait $pid 2>/dev/null
if [[ -s state.json ]]; then
  python3 -c "import json; json.load(open('state.json'))" || fail "state file torn by SIGKILL"
  loaded=$(sqlite3 out.db 'select count(*) from orders' 2>/dev/null || echo 0)
  echo "killed after $loaded rows were loaded"
else
  echo "note: the run was killed before the first state; the re-run starts afresh"
fi

expect_exit 0 "re-run after SIGKILL" -- run
expect_equal "$(sqlite3 out.db 'select count(*), count(distinct OrderId), min(OrderId), max(OrderId) from orders')" \
  "300000|300000|1|300000" "rows after kill and re-run"
finish
