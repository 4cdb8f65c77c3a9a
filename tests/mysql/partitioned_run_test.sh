#!/usr/bin/env bash
# tap-mysql -> target-postgres as three `chorus run --partition K/3` processes started at the
# same time: each slice reads only its share of the rows (the shares add up to the table exactly,
# and split it about evenly), and after --finalize the target equals the source; a second sync
# after rows were deleted, changed and added at the source retires the deleted ones. A table
# with a composite key splits the same way. INCREMENTAL streams and tables without a primary
# key are refused with the reason.
source "$(dirname "$0")/to_postgres.sh" partitioned
rows=120000

mysql_admin "USE \`$db\`;
  CREATE TABLE items (id bigint PRIMARY KEY, payload varchar(40) NOT NULL, amount decimal(12,2));
  INSERT INTO items SELECT seq, CONCAT('item ', seq), seq * 0.25 FROM seq_1_to_$rows;
  CREATE TABLE pairs (region varchar(8), n int, label varchar(20), PRIMARY KEY (region, n));
  INSERT INTO pairs SELECT CONCAT('r', seq % 7), seq, CONCAT('pair ', seq) FROM seq_1_to_5000;
  CREATE TABLE events (id int PRIMARY KEY, at datetime NOT NULL);
  INSERT INTO events SELECT seq, '2024-01-01' + INTERVAL seq MINUTE FROM seq_1_to_10;
  CREATE TABLE loose (note varchar(20));
  INSERT INTO loose VALUES ('a'), ('b');"

pipeline() {  # FILE SELECT-JSON [EXTRA-TAP-CONFIG]
  cat >"$1" <<YAML
name: mysql-parted-$$
state: state.json
tap:
  plugin: tap-mysql
  config: {host: "$CHORUS_TEST_MYSQL_HOST", port: $CHORUS_TEST_MYSQL_PORT,
    user: "$CHORUS_TEST_MYSQL_USER", password: "$CHORUS_TEST_MYSQL_PASSWORD", databases: ["$db"],
    state_every: 5000 ${3:-}}
  select: $2
target:
  plugin: target-postgres
  config: {$(connection_yaml "$target_db"), batch_size_rows: 5000, hard_delete: true}
YAML
}
pipeline pipeline.yml "[\"$db-items\", \"$db-pairs\"]"


same_as_source() {  # WHAT
  mysql_admin "SELECT id, payload, amount FROM \`$db\`.items ORDER BY id" | tr '\t' '|' >source_items.txt
  psql_in "$target_db" "SELECT id, payload, amount FROM \"$db\".items ORDER BY id" >target_items.txt
  mysql_admin "SELECT region, n, label FROM \`$db\`.pairs ORDER BY region, n" | tr '\t' '|' >source_pairs.txt
  psql_in "$target_db" "SELECT region, n, label FROM \"$db\".pairs ORDER BY region COLLATE \"C\", n" >target_pairs.txt
  local table
  for table in items pairs; do
    if cmp -s "source_$table.txt" "target_$table.txt"; then
      echo "ok: $1: $table equals the source ($(wc -l <"source_$table.txt") rows)"
    else
      fail "$1: $table differs from the source ($(wc -l <"source_$table.txt") source rows, $(wc -l <"target_$table.txt") in the target)"
      diff "source_$table.txt" "target_$table.txt" | head -6 >&2
    fi
  done
}

# sync_in_slices ROUND: three slices at once, each about a third, together every row once.
sync_in_slices() {
  local k total=0 source_rows read_k
  run_slices "$1" 3
  source_rows=$(mysql_admin "SELECT (SELECT count(*) FROM \`$db\`.items) + (SELECT count(*) FROM \`$db\`.pairs)")
  for k in 1 2 3; do
    read_k=$(records_read "$1-$k.err")
    echo "$1: slice $k/3 read $read_k of $source_rows rows"
    total=$((total + ${read_k:-0}))
    ((read_k > source_rows / 3 * 9 / 10 && read_k < source_rows / 3 * 11 / 10)) ||
      fail "$1: slice $k/3 read $read_k rows, not about a third of $source_rows"
  done
  expect_equal "$total" "$source_rows" "$1: the three slices together read each row once"
}

sync_in_slices first
expect_exit 0 "--finalize of the first sync" -- "$CHORUS" run --pipeline pipeline.yml --finalize
expect_contains err "finalized" "finalize says the sync is closed"
same_as_source "first sync, 3 slices"

mysql_admin "USE \`$db\`; DELETE FROM items WHERE id % 100 = 7;
  UPDATE items SET payload = CONCAT('changed ', id) WHERE id % 1000 = 3;
  INSERT INTO items SELECT seq, CONCAT('late ', seq), seq * 0.5 FROM seq_$((rows + 1))_to_$((rows + 3000));
  DELETE FROM pairs WHERE n % 50 = 1;"
sync_in_slices second
expect_equal "$(psql_in "$target_db" "SELECT count(*) FROM \"$db\".items WHERE id % 100 = 7 AND id <= $rows")" \
  "$((rows / 100))" "before --finalize the rows deleted at the source are still served"
expect_exit 0 "--finalize of the second sync" -- "$CHORUS" run --pipeline pipeline.yml --finalize
same_as_source "second sync, rows deleted, changed and added at the source"

# What cannot be split is refused, naming the stream and the reason.
pipeline incremental.yml "[\"$db-events\"]" ", replication: {$db-events: {method: INCREMENTAL, replication_key: at}}"
expect_exit 1 "a slice of an INCREMENTAL stream" -- "$CHORUS" run --pipeline incremental.yml --partition 1/2
expect_contains err "stream '$db-events' is INCREMENTAL: a partitioned run splits FULL_TABLE streams only" \
  "the INCREMENTAL slice is refused with the reason"
pipeline loose.yml "[\"$db-loose\"]"
expect_exit 1 "a slice of a table without a primary key" -- "$CHORUS" run --pipeline loose.yml --partition 2/2
expect_contains err "stream '$db-loose' has no primary key, so its slices cannot be told apart or resumed" \
  "the key-less slice is refused with the reason"
finish
