#!/usr/bin/env bash
# tap-mysql -> target-postgres killed with SIGKILL several times mid-load, with the source
# changing between runs (inserts, updates, deletes), then run to the end: each table in the
# destination equals the source exactly, one per replication method (LOG_BASED with deletes,
# INCREMENTAL by LastUpdated, FULL_TABLE), and the state file is never torn.
source "$(dirname "$0")/to_postgres.sh" kill

mysql_admin "USE \`$db\`;
  CREATE TABLE log_orders (OrderId bigint PRIMARY KEY, OrderStatus varchar(20) NOT NULL,
    Amount decimal(12,2), LastUpdated datetime(6) NOT NULL);
  INSERT INTO log_orders SELECT seq, 'new', seq * 1.25, '2024-01-01' + INTERVAL seq SECOND FROM seq_1_to_60000;
  CREATE TABLE inc_orders LIKE log_orders;
  ALTER TABLE inc_orders ADD KEY (LastUpdated);
  INSERT INTO inc_orders SELECT * FROM log_orders;
  CREATE TABLE customers (id int PRIMARY KEY, name varchar(40), tier int);
  INSERT INTO customers SELECT seq, CONCAT('name ', seq), seq % 5 FROM seq_1_to_20000;"

cat >pipeline.yml <<YAML
name: mysql-kill-and-resume
state: state.json
tap:
  plugin: tap-mysql
  config: {host: "$CHORUS_TEST_MYSQL_HOST", port: $CHORUS_TEST_MYSQL_PORT,
    user: "$CHORUS_TEST_MYSQL_USER", password: "$CHORUS_TEST_MYSQL_PASSWORD", databases: ["$db"],
    state_every: 2000, replication: {$db-log_orders: {method: LOG_BASED},
      $db-inc_orders: {method: INCREMENTAL, replication_key: LastUpdated}}}
  select: ["$db-log_orders", "$db-inc_orders", "$db-customers"]
target:
  plugin: target-postgres
  config: {$(connection_yaml "$target_db"), batch_size_rows: 5000, hard_delete: true}
YAML

target_rows() {  # TABLE: rows in the destination, 0 before it exists
  psql_in "$target_db" "SELECT CASE WHEN to_regclass('\"$db\".$1') IS NULL THEN 0
    ELSE (SELECT count(*) FROM \"$db\".$1) END" 2>/dev/null || echo 0
}

# run_and_kill SECONDS: the pipeline, SIGKILLed by timeout(1) after SECONDS wherever it is
# then (loading, between streams, or already done).
run_and_kill() {
  timeout -s KILL "$1" "$CHORUS" run --pipeline pipeline.yml 2>run.err
  echo "killed after $1 s (exit $?): destination holds $(target_rows log_orders) log_orders, $(target_rows inc_orders) inc_orders, $(target_rows customers) customers"
  expect_state_whole state.json "after the kill at $1 s"
}

change() { mysql_admin "USE \`$db\`; $1"; }

run_and_kill 0.5
run_and_kill 1.5
change "INSERT INTO log_orders SELECT seq, 'late', seq * 0.5, '2025-01-01' + INTERVAL seq SECOND FROM seq_60001_to_62000;
  UPDATE log_orders SET OrderStatus = 'paid', Amount = Amount + 1 WHERE OrderId % 100 = 7;
  UPDATE log_orders SET OrderStatus = 'shipped' WHERE OrderId % 100 = 7 AND OrderId < 30000;
  DELETE FROM log_orders WHERE OrderId % 1000 = 11;
  INSERT INTO inc_orders SELECT seq, 'late', seq * 0.5, '2025-01-01' + INTERVAL seq SECOND FROM seq_60001_to_62000;
  UPDATE inc_orders SET OrderStatus = 'paid', LastUpdated = '2025-02-01' + INTERVAL OrderId MICROSECOND WHERE OrderId % 100 = 7;
  UPDATE customers SET tier = 9 WHERE id % 10 = 0;
  DELETE FROM customers WHERE id BETWEEN 100 AND 109;"
run_and_kill 1
run_and_kill 2
change "UPDATE log_orders SET OrderStatus = 'returned' WHERE OrderId % 500 = 3 OR OrderId = 1;
  DELETE FROM log_orders WHERE OrderId BETWEEN 61000 AND 61100;
  UPDATE inc_orders SET OrderStatus = 'returned', LastUpdated = '2025-03-01' WHERE OrderId % 500 = 3;"
run_and_kill 1.5

"$CHORUS" run --pipeline pipeline.yml 2>run.err
status=$?
expect_equal "$status" 0 "the final run's exit status"
((status == 0)) || sed 's/^/  | /' run.err | tail -20 >&2
# LOG_BASED replays what the final run's start left in the log: one more run applies the
# changes the initial copy's snapshot did not hold, as the next scheduled run would.
"$CHORUS" run --pipeline pipeline.yml 2>run.err || fail "the run after the final run: $(tail -3 run.err)"
expect_state_whole state.json "after the final run"

for table in log_orders inc_orders; do
  mysql_admin "SELECT OrderId, OrderStatus, Amount, DATE_FORMAT(LastUpdated, '%Y-%m-%d %H:%i:%s.%f')
    FROM \`$db\`.$table ORDER BY OrderId" | tr '\t' '|' >"source_$table.txt"
  psql_in "$target_db" "SELECT \"OrderId\", \"OrderStatus\", \"Amount\",
    to_char(\"LastUpdated\", 'YYYY-MM-DD HH24:MI:SS.US') FROM \"$db\".$table ORDER BY 1" >"destination_$table.txt"
done
mysql_admin "SELECT id, name, tier FROM \`$db\`.customers ORDER BY id" | tr '\t' '|' >source_customers.txt
psql_in "$target_db" "SELECT id, name, tier FROM \"$db\".customers ORDER BY 1" >destination_customers.txt
for table in log_orders inc_orders customers; do
  if ! cmp -s "source_$table.txt" "destination_$table.txt"; then
    fail "$table: the destination differs from the source ($(wc -l <"source_$table.txt") source rows, $(wc -l <"destination_$table.txt") destination rows)"
    diff "source_$table.txt" "destination_$table.txt" | head -6 >&2
  fi
done
finish
