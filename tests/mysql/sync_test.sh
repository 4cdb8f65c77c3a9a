#!/usr/bin/env bash
# The seed example: an `orders` table in MariaDB (OrderId, OrderStatus, LastUpdated), changed
# between runs (inserts, several updates of a row, deletes), loaded LOG_BASED into
# target-postgres: after every run the destination equals the source, deletes included. Then a
# full-table sync resumed by key, an incremental sync by LastUpdated, and the errors a user
# meets: a purged binary log, a wrong password (state untouched); a column added between runs.
source "$(dirname "$0")/to_postgres.sh" shop

mysql_admin "USE \`$db\`;
  CREATE TABLE \`$db\`.orders (OrderId int PRIMARY KEY, OrderStatus varchar(20) NOT NULL,
    LastUpdated datetime(6) NOT NULL, KEY (LastUpdated));
  INSERT INTO \`$db\`.orders SELECT seq, 'new', '2024-01-01' + INTERVAL seq SECOND FROM seq_1_to_3000;"

cat >pipeline.yml <<YAML
name: orders
state: state.json
tap:
  plugin: tap-mysql
  config: {host: "$CHORUS_TEST_MYSQL_HOST", port: $CHORUS_TEST_MYSQL_PORT,
    user: "$CHORUS_TEST_MYSQL_USER", password: "$CHORUS_TEST_MYSQL_PASSWORD", databases: ["$db"],
    state_every: 500, replication: {$db-orders: {method: LOG_BASED}}}
  select: ["$db-orders"]
target:
  plugin: target-postgres
  config: {$(connection_yaml "$target_db"), hard_delete: true}
YAML

source_rows() {
  mysql_admin "SELECT OrderId, OrderStatus, DATE_FORMAT(LastUpdated, '%Y-%m-%d %H:%i:%s.%f')
               FROM \`$db\`.orders ORDER BY OrderId" | tr '\t' '|'
}
destination_rows() {
  psql_in "$target_db" "SELECT \"OrderId\", \"OrderStatus\",
    to_char(\"LastUpdated\", 'YYYY-MM-DD HH24:MI:SS.US') FROM \"$db\".orders ORDER BY 1"
}
expect_same() {
  source_rows >source.txt
  destination_rows >destination.txt 2>destination.err || cat destination.err >&2
  if ! cmp -s source.txt destination.txt; then
    fail "$1: the destination differs from the source ($(wc -l <source.txt) source rows, $(wc -l <destination.txt) destination rows)"
    diff source.txt destination.txt | head -10 >&2
  fi
}

expect_exit 0 "the initial copy" -- "$CHORUS" run --pipeline pipeline.yml
expect_same "after the initial copy"

mysql_admin "USE \`$db\`;
  UPDATE \`$db\`.orders SET OrderStatus = 'paid', LastUpdated = LastUpdated + INTERVAL 1 DAY WHERE OrderId <= 100;
  UPDATE \`$db\`.orders SET OrderStatus = 'shipped' WHERE OrderId <= 50;
  DELETE FROM \`$db\`.orders WHERE OrderId BETWEEN 2901 AND 2950;
  INSERT INTO \`$db\`.orders SELECT seq, 'new', '2024-02-01' + INTERVAL seq SECOND FROM seq_3001_to_3200;
  START TRANSACTION;
  UPDATE \`$db\`.orders SET OrderStatus = 'cancelled' WHERE OrderId = 7;
  DELETE FROM \`$db\`.orders WHERE OrderId = 8;
  COMMIT;"
expect_exit 0 "the changes from the binary log" -- "$CHORUS" run --pipeline pipeline.yml
expect_same "after inserts, updates and deletes"
expect_contains "$WORK/err" "reading the binary log from" "the second run reads the log"

# A row deleted and inserted again, and a run with nothing new.
mysql_admin "DELETE FROM \`$db\`.orders WHERE OrderId = 9;
             INSERT INTO \`$db\`.orders VALUES (9, 'again', '2024-03-01');"
expect_exit 0 "a delete and re-insert" -- "$CHORUS" run --pipeline pipeline.yml
expect_same "after a delete and re-insert"
# A log rotated between runs (FLUSH BINARY LOGS; the server rotates at max_binlog_size too):
# the changes on both sides of the rotation.
mysql_admin "UPDATE \`$db\`.orders SET OrderStatus = 'rotated' WHERE OrderId BETWEEN 11 AND 13;
  FLUSH BINARY LOGS;
  UPDATE \`$db\`.orders SET OrderStatus = 'rotated' WHERE OrderId BETWEEN 14 AND 15;"
expect_exit 0 "changes across a rotated log" -- "$CHORUS" run --pipeline pipeline.yml
expect_same "after changes across a rotated log"
cp state.json state.before
expect_exit 0 "a run with nothing new" -- "$CHORUS" run --pipeline pipeline.yml
expect_same "after a run with nothing new"

# A purged log, and no GTID position to resume from instead (gtid_test.sh has those): a clear
# error that asks for --full-refresh.
python3 -c '
import json, sys
s = json.load(open("state.json")); b = s["bookmarks"][sys.argv[1]]
b["log_file"] = "binlog.000000"; del b["gtid"]; json.dump(s, open("state.json", "w"))' "$db-orders"
expect_exit 1 "a purged binary log" -- "$CHORUS" run --pipeline pipeline.yml
expect_contains "$WORK/err" "has been purged from the server" "purged log named"
expect_contains "$WORK/err" "--full-refresh" "purged log: what to do"
cp state.before state.json

# A wrong password: a configuration error, and the state stays as it was.
expect_exit 1 "a wrong password" -- "$CHORUS" run --pipeline pipeline.yml -c 'tap-mysql={"password": "wrong"}'
expect_contains "$WORK/err" "check user and password" "wrong password named"
cmp -s state.json state.before || fail "a failed run changed the state"

# The server down: a retryable error naming the server, the state as it was.
expect_exit 1 "the server down" -- "$CHORUS" run --pipeline pipeline.yml -c "tap-mysql={\"port\": $(closed_port)}"
expect_contains "$WORK/err" "cannot connect to" "server down named"
cmp -s state.json state.before || fail "a run against a server that is down changed the state"

# A user that may read but not replicate: LOG_BASED names the privilege it lacks.
reader=reader_$$
mysql_admin "CREATE USER '$reader'@'127.0.0.1' IDENTIFIED BY 'pw'; GRANT SELECT ON \`$db\`.* TO '$reader'@'127.0.0.1';"
expect_exit 1 "a user without REPLICATION privileges" -- "$CHORUS" run --pipeline pipeline.yml \
  -c "tap-mysql={\"user\": \"$reader\", \"password\": \"pw\"}"
mysql_admin "DROP USER '$reader'@'127.0.0.1'"
expect_contains_any_case "$WORK/err" "denied" "missing privilege named"
cmp -s state.json state.before || fail "a run without privileges changed the state"

# A column added between runs, with changes before and after it in the log: the rows from
# before leave the column out, the rows after carry it.
mysql_admin "UPDATE \`$db\`.orders SET OrderStatus = 'before' WHERE OrderId = 2;
             ALTER TABLE \`$db\`.orders ADD COLUMN Note varchar(20) NULL;
             UPDATE \`$db\`.orders SET Note = 'rush' WHERE OrderId = 1;"
expect_exit 0 "a run after ALTER TABLE" -- "$CHORUS" run --pipeline pipeline.yml
expect_equal "$(psql_in "$target_db" "SELECT \"Note\" FROM \"$db\".orders WHERE \"OrderId\" = 1")" "rush" "the new column's value"
expect_same "after ALTER TABLE"

# FULL_TABLE resumed after key 2000 under the state's version: only the rows after it.
full=$(mysql_config "$db" "\"state_every\": 100")
echo '{"bookmarks": {"'"$db"'-orders": {"version": 1234567, "last_pk_fetched": {"OrderId": "2000"}}}}' >full.json
expect_exit 0 "a resumed full-table sync" -- "$CHORUS" run tap-mysql target-jsonl \
  --config "tap-mysql=$full" --config "target-jsonl={\"destination_path\": \"$WORK/full\"}" \
  --select "$db-orders" --state full.json
expect_contains "$WORK/err" "resuming the full-table sync after key" "resume logged"
expect_equal "$(wc -l <"full/$db-orders.jsonl")" "$(mysql_admin "SELECT count(*) FROM \`$db\`.orders WHERE OrderId > 2000")" "rows after the key"
expect_equal "$(json_get full.json "sorted(d['bookmarks']['$db-orders'].items())")" "[('last_pk_fetched', None), ('version', 1234567)]" "bookmark after the resumed sync"

# INCREMENTAL by LastUpdated: the second run reads the rows at or after the bookmark only.
incremental=$(mysql_config "$db" "\"replication\": {\"$db-orders\": {\"method\": \"INCREMENTAL\", \"replication_key\": \"LastUpdated\"}}")
run_incremental() {
  rm -rf "$WORK/inc"
  expect_exit 0 "$1" -- "$CHORUS" run tap-mysql target-jsonl \
    --config "tap-mysql=$incremental" --config "target-jsonl={\"destination_path\": \"$WORK/inc\"}" \
    --select "$db-orders" --state inc.json
}
run_incremental "the first incremental sync"
expect_equal "$(wc -l <"inc/$db-orders.jsonl")" "$(mysql_admin "SELECT count(*) FROM \`$db\`.orders")" "every row at first"
last=$(mysql_admin "SELECT DATE_FORMAT(max(LastUpdated), '%Y-%m-%dT%H:%i:%s.%f') FROM \`$db\`.orders")
expect_equal "$(json_get inc.json "d['bookmarks']['$db-orders']['replication_key_value']")" "$last" "the bookmark is the last LastUpdated"
mysql_admin "UPDATE \`$db\`.orders SET LastUpdated = '2025-01-01 00:00:00.5' WHERE OrderId IN (11, 12)"
run_incremental "the second incremental sync"
expect_equal "$(python3 -c '
import json, sys
print(sorted(json.loads(l)["OrderId"] for l in open(sys.argv[1])))' "inc/$db-orders.jsonl")" "[9, 11, 12]" "the rows at the bookmark and the changed ones"
finish
