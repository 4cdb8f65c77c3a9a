#!/usr/bin/env bash
# A pipeline whose target, then whose tap, points at a closed port or uses a wrong password
# fails with a message naming the plugin and the cause, never prints the password, and leaves
# the state file byte for byte as it was.
source "$(dirname "$0")/lib.sh"

throwaway_database chorus_down_src; source_db=$LAST_DATABASE
throwaway_database chorus_down_dst; target_db=$LAST_DATABASE
psql_in "$source_db" "
  CREATE TABLE items (id int PRIMARY KEY, name text, updated_at timestamptz NOT NULL);
  INSERT INTO items SELECT g, 'item ' || g, '2024-01-01'::timestamptz + g * interval '1 minute'
    FROM generate_series(1, 100) g;" >/dev/null

# write_pipeline TAP-CONNECTION TARGET-CONNECTION
write_pipeline() {
  cat >pipeline.yml <<YAML
name: server-down
state: state.json
tap:
  plugin: tap-postgres
  config: {$1, connect_timeout: 5,
    replication: {public-items: {method: INCREMENTAL, replication_key: updated_at}}}
  select: ["public-items"]
target:
  plugin: target-postgres
  config: {$2, connect_timeout: 5}
YAML
}

good_tap=$(connection_yaml "$source_db")
good_target=$(connection_yaml "$target_db")
write_pipeline "$good_tap" "$good_target"
"$CHORUS" run --pipeline pipeline.yml 2>run.err ||
  { sed 's/^/  | /' run.err >&2; fail "the healthy pipeline failed"; finish; }
python3 -c "import json; json.load(open('state.json'))" || fail "no valid state after a good run"
cp state.json state.before

# A password that appears nowhere else, so that finding it in the output can only be a leak.
secret="Pw-$$-${RANDOM}-not-to-be-printed"
port=$(closed_port)

# expect_failure WHAT PLUGIN CAUSE TAP-CONNECTION TARGET-CONNECTION
expect_failure() {
  write_pipeline "$4" "$5"
  "$CHORUS" run --pipeline pipeline.yml >run.out 2>run.err
  local status=$?
  echo "$1:" && sed "s/^/  | /" run.err
  if ((status == 0)); then fail "$1: exit 0, expected a failure"; fi
  expect_contains_any_case run.err "$2" "$1: the message names the plugin"
  expect_contains_any_case run.err "$3" "$1: the message says what is wrong"
  expect_not_contains run.err "$secret" "$1: stderr leaks the password"
  expect_not_contains run.out "$secret" "$1: stdout leaks the password"
  cmp -s state.json state.before || fail "$1: the state file changed"
}

expect_failure "target on a closed port" target-postgres "connection refused" \
  "$good_tap" "$(connection_yaml "$target_db" "$port" "$secret")"
expect_failure "target with a wrong password" target-postgres "password authentication failed" \
  "$good_tap" "$(connection_yaml "$target_db" "$CHORUS_TEST_PG_PORT" "$secret")"
expect_failure "tap on a closed port" tap-postgres "connection refused" \
  "$(connection_yaml "$source_db" "$port" "$secret")" "$good_target"
expect_failure "tap with a wrong password" tap-postgres "password authentication failed" \
  "$(connection_yaml "$source_db" "$CHORUS_TEST_PG_PORT" "$secret")" "$good_target"

# The healthy pipeline still resumes from the untouched state.
write_pipeline "$good_tap" "$good_target"
"$CHORUS" run --pipeline pipeline.yml 2>run.err || fail "the healthy pipeline failed after the errors"
expect_equal "$(psql_in "$target_db" "SELECT count(*) FROM public.items")" 100 "rows after resuming"
finish
