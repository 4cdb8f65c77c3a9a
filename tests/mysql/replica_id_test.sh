#!/usr/bin/env bash
# Two LOG_BASED runs reading one server's binary log at the same time. A reader of the log
# registers as a replica under a server id, and the server drops the older of two readers with
# one id (error 4052), so runs given no `server_id` must each draw their own; runs given the
# same one are refused with a message that names the id and the remedy.
source "$(dirname "$0")/lib.sh"
throwaway_mysql_database mysql_replica_id; db=$LAST_DATABASE

mysql_admin "CREATE TABLE \`$db\`.events (id int PRIMARY KEY, body varchar(300) NOT NULL);
  INSERT INTO \`$db\`.events VALUES (1, 'first');"

# tap_config [EXTRA-JSON-MEMBERS]
tap_config() {
  mysql_config "$db" '"replication": {"'"$db"'-events": {"method": "LOG_BASED"}}'"${1:+, $1}"
}

expect_exit 0 "discovery" -- "$CHORUS" exec tap-mysql -- --config <(tap_config) --discover
python3 -c '
import json, sys
catalog = json.load(open(sys.argv[1]))
for stream in catalog["streams"]:
    for entry in stream["metadata"]:
        if entry["breadcrumb"] == []: entry["metadata"]["selected"] = True
json.dump(catalog, open("catalog.json", "w"))' "$WORK/out"
# The initial copy ends with the binary log position the next runs read from.
expect_exit 0 "the initial copy" -- "$CHORUS" exec tap-mysql -- --config <(tap_config) --catalog catalog.json
grep '"type":"STATE"' "$WORK/out" | tail -1 | python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin)["value"]))' >state.json
# Enough changes that a run's records fill the pipe to a reader that has not started reading,
# so that the run is still connected to the log while the other one starts.
mysql_admin "USE \`$db\`; INSERT INTO \`$db\`.events SELECT seq, REPEAT('x', 300) FROM seq_2_to_60000;"

# concurrent_runs NAME [EXTRA-JSON-MEMBERS]: run "first" holds the log open behind a reader
# that waits; run "second" starts once "first" has said it reads the log (after it opened
# it). Leaves their exit codes in first.rc and second.rc and their logs in first.err and
# second.err.
concurrent_runs() {
  local waited=0
  rm -f first.err
  (
    "$CHORUS" exec tap-mysql -- --config <(tap_config "${2:-}") --catalog catalog.json --state state.json 2>first.err |
      { sleep 6; cat >first.out; }
    echo "${PIPESTATUS[0]}" >first.rc
  ) &
  local first=$!
  until grep -qF "reading the binary log from" first.err 2>/dev/null || ((waited >= 100)); do
    sleep 0.1
    waited=$((waited + 1))
  done
  ((waited < 100)) || fail "$1: the first run never started reading the binary log"
  "$CHORUS" exec tap-mysql -- --config <(tap_config "${2:-}") --catalog catalog.json --state state.json >second.out 2>second.err
  echo $? >second.rc
  wait "$first"
}

concurrent_runs "no server_id"
expect_equal "$(cat first.rc) $(cat second.rc)" "0 0" "two runs without a server_id at the same time both succeed"
expect_equal "$(grep -c '"type":"RECORD"' first.out)" 59999 "the first run read every change"
expect_equal "$(grep -c '"type":"RECORD"' second.out)" 59999 "the second run read every change"

concurrent_runs "one server_id" '"server_id": 424242'
[[ "$(cat first.rc)" != 0 ]] || fail "the run dropped for a second reader under its server_id exits 0"
expect_contains "$WORK/first.err" "under the same replica id (424242)" "the error names the shared id"
expect_contains "$WORK/first.err" "give each pipeline its own \`server_id\`" "the error says what to do"

finish
