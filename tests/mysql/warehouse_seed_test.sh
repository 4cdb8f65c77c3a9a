#!/usr/bin/env bash
# The seed example into the warehouses: an `orders` table in MariaDB (OrderId, OrderStatus,
# LastUpdated), changed between runs (inserts, several updates of a key in one run, deletes, a
# delete and re-insert), loaded LOG_BASED into target-redshift (COPY executed on its PostgreSQL
# stand-in, staging in s3rver; soft deletes) and target-snowflake (the SQL API stand-in records
# the statements, staging in s3rver; hard_delete). After every run:
#  - Redshift: the rows without _sdc_deleted_at equal the source, and exactly the deleted keys
#    carry _sdc_deleted_at;
#  - Snowflake: the table the recorded statements make of the staged files equals the source.
source "$(dirname "$0")/to_postgres.sh" seed
need_servers CHORUS_TEST_S3_ENDPOINT
prefix="tests/mysql/seed-$$-$RANDOM"

mysql_admin "USE \`$db\`;
  CREATE TABLE orders (OrderId int PRIMARY KEY, OrderStatus varchar(20) NOT NULL,
    LastUpdated datetime(6) NOT NULL);
  INSERT INTO orders SELECT seq, 'new', '2024-01-01' + INTERVAL seq SECOND FROM seq_1_to_300;"

s3_settings() {  # s3_settings FOLDER: the staging entries of a warehouse target's config
  printf 's3_bucket: "%s", s3_endpoint_url: "%s", s3_region: "%s", s3_key_prefix: "%s/%s", aws_access_key_id: "%s", aws_secret_access_key: "%s", batch_size_rows: 100' \
    "$CHORUS_TEST_S3_BUCKET" "$CHORUS_TEST_S3_ENDPOINT" "${CHORUS_TEST_S3_REGION:-us-east-1}" \
    "$prefix" "$1" "$CHORUS_TEST_S3_ACCESS_KEY_ID" "$CHORUS_TEST_S3_SECRET_ACCESS_KEY"
}
pipeline() {  # pipeline TARGET CONFIG > FILE
  cat <<YAML
name: orders-$1
state: $1.state.json
tap:
  plugin: tap-mysql
  config: $(mysql_config "$db" "\"replication\": {\"$db-orders\": {\"method\": \"LOG_BASED\"}}")
  select: ["$db-orders"]
target:
  plugin: $1
  config: {$2}
YAML
}

# target-redshift: its COPY from s3rver runs on the real PostgreSQL (README: what is stood in for).
pipeline target-redshift "$(connection_yaml "$target_db"), $(s3_settings redshift), copy_executor: postgres-standin" >redshift.yml

# target-snowflake: the SQL API stand-in records the statements in requests.jsonl.
source "$mysql_tests/../snowflake/sql_api_standin.sh"
start_sql_api_standin
# The staged files are kept to be read back; `chorus staging clean` removes them at the end.
trap '"$CHORUS" staging clean snowflake.yml --min-age 0 >/dev/null 2>&1; mysql_cleanup' EXIT
pipeline target-snowflake "$SQL_API_STANDIN_CONFIG, $(s3_settings snowflake), keep_staged_files: true, compression: none, hard_delete: true" >snowflake.yml

# The source in the destinations' text; every key ever used is 1..max, so the deleted ones are
# those no longer in the table.
source_rows() {
  mysql_admin "SELECT OrderId, OrderStatus, DATE_FORMAT(LastUpdated, '$1') FROM \`$db\`.orders ORDER BY OrderId" | tr '\t' '|'
}
deleted_keys() {
  mysql_admin "USE \`$db\`; SELECT seq FROM seq_1_to_$last_key WHERE seq NOT IN (SELECT OrderId FROM orders)"
}
compare() {  # compare WHAT EXPECTED-FILE GOT-FILE
  if ! cmp -s "$2" "$3"; then
    fail "$1 ($(wc -l <"$2") rows expected, $(wc -l <"$3") found)"
    diff "$2" "$3" | head -10 >&2
  fi
}

load_and_compare() {  # load_and_compare WHEN
  local target
  for target in redshift snowflake; do
    expect_exit 0 "$1: the run into target-$target" -- "$CHORUS" run --pipeline "$target.yml"
  done
  source_rows '%Y-%m-%d %H:%i:%s.%f' >source.txt
  psql_in "$target_db" "SELECT orderid, orderstatus, to_char(lastupdated, 'YYYY-MM-DD HH24:MI:SS.US')
    FROM \"$db\".orders WHERE _sdc_deleted_at IS NULL ORDER BY 1" >redshift.txt 2>&1
  compare "$1: target-redshift's live rows differ from the source" source.txt redshift.txt
  deleted_keys >deleted.txt
  psql_in "$target_db" "SELECT orderid FROM \"$db\".orders WHERE _sdc_deleted_at IS NOT NULL ORDER BY 1" >redshift_deleted.txt 2>&1
  compare "$1: target-redshift's soft-deleted keys differ from the keys deleted at the source" deleted.txt redshift_deleted.txt

  source_rows '%Y-%m-%dT%H:%i:%s.%f' >source.txt
  python3 "$mysql_tests/snowflake_standin_table.py" requests.jsonl "${db^^}.ORDERS" \
    ORDERID ORDERSTATUS LASTUPDATED >snowflake.txt 2>&1
  compare "$1: target-snowflake's table differs from the source" source.txt snowflake.txt
}

last_key=300
load_and_compare "the initial copy"

# Inserts, several updates of a key (each its own record, in one batch and across batches),
# deletes, and changes in one transaction.
mysql_admin "USE \`$db\`;
  UPDATE orders SET OrderStatus = 'paid', LastUpdated = LastUpdated + INTERVAL 1 DAY WHERE OrderId <= 120;
  UPDATE orders SET OrderStatus = 'packed' WHERE OrderId <= 60;
  UPDATE orders SET OrderStatus = 'shipped', LastUpdated = LastUpdated + INTERVAL 1 HOUR WHERE OrderId <= 30;
  DELETE FROM orders WHERE OrderId BETWEEN 251 AND 280;
  INSERT INTO orders SELECT seq, 'new', '2024-02-01' + INTERVAL seq SECOND FROM seq_301_to_450;
  UPDATE orders SET OrderStatus = 'paid' WHERE OrderId BETWEEN 401 AND 410;
  START TRANSACTION;
  UPDATE orders SET OrderStatus = 'cancelled' WHERE OrderId = 7;
  DELETE FROM orders WHERE OrderId IN (8, 449);
  COMMIT;" || fail "the changes of the second run"
last_key=450
load_and_compare "after inserts, updates and deletes"

# A row updated and then deleted in the same run, a delete and re-insert, a re-insert of a key
# deleted in an earlier run.
mysql_admin "USE \`$db\`;
  UPDATE orders SET OrderStatus = 'late' WHERE OrderId = 11;
  DELETE FROM orders WHERE OrderId = 11;
  DELETE FROM orders WHERE OrderId = 9;
  INSERT INTO orders VALUES (9, 'again', '2024-03-01 10:00:00.25');
  INSERT INTO orders VALUES (260, 'back', '2024-03-02');
  UPDATE orders SET OrderStatus = 'shipped' WHERE OrderId = 260;" || fail "the changes of the third run"
load_and_compare "after a delete and re-insert"

# A run with nothing new leaves both as they were.
load_and_compare "after a run with nothing new"
[[ -s snowflake.txt ]] || fail "the Snowflake replay found no rows"
finish
