#!/usr/bin/env bash
# Configurations that match nothing fail instead of succeeding with nothing done, and
# `chorus test target-postgres` leaves nothing behind in the database it is given.
source "$(dirname "$0")/lib.sh"

throwaway_database chorus_fail_closed; db=$LAST_DATABASE
psql_in "$db" "CREATE TABLE orders (id int PRIMARY KEY, note text); INSERT INTO orders VALUES (1, 'a');" >/dev/null

# tap-postgres selects no table by default: without --select a run would sync nothing.
cat >pipeline.yml <<YAML
name: nothing-selected
tap:
  plugin: tap-postgres
  config: {$(connection_yaml "$db")}
target:
  plugin: target-jsonl
  config: {destination_path: loaded}
YAML
expect_exit 1 "tap-postgres with no table selected fails" -- "$CHORUS" run --pipeline pipeline.yml
expect_contains err "no stream is selected" "what matched nothing"
expect_contains err "public-orders" "the tables there are"
expect_contains err "--select" "how to fix it"
[[ -e loaded/public-orders.jsonl ]] && fail "nothing-selected run wrote records"

expect_exit 0 "the same run with --select syncs the table" -- \
  "$CHORUS" run --pipeline pipeline.yml --select public-orders
expect_contains loaded/public-orders.jsonl '"note":"a"' "the selected table arrived"

# allow_empty: an empty result is expected, and the run succeeds.
sed -i "s/sslmode: disable/sslmode: disable, allow_empty: true/" pipeline.yml
expect_exit 0 "allow_empty accepts a run that selects nothing" -- "$CHORUS" run --pipeline pipeline.yml

# chorus test target-postgres loads its fixtures into a throwaway schema and drops it; the
# configured default_target_schema stays untouched.
psql_in "$db" "CREATE SCHEMA users_own" >/dev/null
expect_exit 0 "the conformance suite passes target-postgres" -- "$CHORUS" test target-postgres \
  --config "{\"host\": \"$CHORUS_TEST_PG_HOST\", \"port\": $CHORUS_TEST_PG_PORT, \"user\": \"$CHORUS_TEST_PG_USER\", \"password\": \"$CHORUS_TEST_PG_PASSWORD\", \"dbname\": \"$db\", \"sslmode\": \"disable\", \"default_target_schema\": \"users_own\"}"
expect_contains err "throwaway schema chorus_test_" "the suite says where its tables go"
expect_contains err ", dropped afterwards" "the suite says it dropped them"
expect_equal "$(psql_in "$db" "SELECT count(*) FROM information_schema.schemata WHERE schema_name LIKE 'chorus_test_%'")" 0 \
  "no throwaway schema is left"
expect_equal "$(psql_in "$db" "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'users_own'")" 0 \
  "the configured schema got no tables"
finish
