#!/usr/bin/env bash
# The shared state stores behave as the state file does: a run resumes from s3:// and
# postgresql:// states, `chorus state` lists, gets, sets, merges and clears them, a second run on a
# held state is refused naming the holder, and a lock left by a SIGKILLed run is taken over by the
# next one without losing the state it stored.
source "$(dirname "$0")/lib.sh"
need_servers CHORUS_TEST_S3_ENDPOINT CHORUS_TEST_PG_HOST

# The S3 store finds its endpoint and keys where the AWS tools do.
export AWS_ENDPOINT_URL_S3=$CHORUS_TEST_S3_ENDPOINT AWS_REGION=${CHORUS_TEST_S3_REGION:-us-east-1}
export AWS_ACCESS_KEY_ID=$CHORUS_TEST_S3_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY=$CHORUS_TEST_S3_SECRET_ACCESS_KEY
export AWS_EC2_METADATA_DISABLED=true
unique="$$_$RANDOM"
pg_url="postgresql://$CHORUS_TEST_PG_USER:$CHORUS_TEST_PG_PASSWORD@$CHORUS_TEST_PG_HOST:$CHORUS_TEST_PG_PORT/${CHORUS_TEST_PG_DBNAME:-postgres}"

background=()
trap 'for pid in "${background[@]}"; do kill -KILL "$pid" 2>/dev/null; done; rm -rf "$WORK"' EXIT

wait_for_last_id() {  # STATE ID
  local until=$((SECONDS + 120))
  while ((SECONDS < until)); do
    [[ $(last_id "$1") == "$2" ]] && return 0
    sleep 0.2
  done
  fail "$1: the background run never stored last_id $2"
  return 1
}

# Each run writes a fresh out.jsonl: the fixture target appends.
run_args() {  # STATE RECORDS [MORE TAP SETTINGS]
  rm -f out.jsonl
  ARGS=(run tap-fixture target-fixture --config "tap-fixture={\"records\": $2, \"state_every\": 5${3:-}}"
    --config 'target-fixture={"path":"out.jsonl"}' --state "$1")
}

check_store() {  # STATE KIND SHOWN: the whole scenario against one store; SHOWN is how runs name it
  local state=$1 kind=$2 shown=$3
  expect_exit 0 "$kind: list of a state that is not there yet" -- "$CHORUS" state list --state "$state"
  expect_contains err "no state stored at" "$kind: list says there is no state"

  run_args "$state" 10
  expect_exit 0 "$kind: a first run" -- "$CHORUS" "${ARGS[@]}"
  expect_contains err "state stored at $shown" "$kind: the run says where the state went"
  expect_equal "$(last_id "$state")" 10 "$kind: the first run's bookmark"
  run_args "$state" 15
  expect_exit 0 "$kind: a second run" -- "$CHORUS" "${ARGS[@]}"
  expect_equal "$(wc -l <out.jsonl)" 5 "$kind: the second run resumed after last_id 10"
  expect_equal "$(last_id "$state")" 15 "$kind: the second run's bookmark"

  expect_exit 0 "$kind: state list" -- "$CHORUS" state list --state "$state"
  expect_contains out $'items\t{"last_id":15}' "$kind: list shows the stream and its bookmark"
  expect_exit 0 "$kind: state set" -- "$CHORUS" state set --state "$state" '{"bookmarks":{"items":{"last_id":3}}}'
  expect_equal "$(last_id "$state")" 3 "$kind: set replaced the state"
  expect_exit 0 "$kind: state merge" -- "$CHORUS" state merge --state "$state" '{"bookmarks":{"other":{"x":1}}}'
  expect_exit 0 "$kind: state get after merge" -- "$CHORUS" state get --state "$state"
  [[ $(json_get out "d['bookmarks']['items']['last_id'], d['bookmarks']['other']['x']") == "3 1" ]] ||
    fail "$kind: merge kept items and added other: $(cat out)"
  expect_exit 1 "$kind: get of a stream without a bookmark" -- "$CHORUS" state get --state "$state" --stream nope
  expect_contains err "streams with one: items, other" "$kind: the error names the streams that have one"

  # A run that holds the state; a second run and the changing commands are refused.
  run_args "$state" 100 ', "hang_after": 7'
  "$CHORUS" "${ARGS[@]}" >held.out 2>held.err &
  local holder=$!
  background+=("$holder")
  wait_for_last_id "$state" 8
  run_args "$state" 100
  expect_exit 1 "$kind: a second run on the held state" -- "$CHORUS" "${ARGS[@]}"
  expect_contains err "is in use by chorus run tap-fixture-to-target-fixture (pid $holder on host $(hostname)" \
    "$kind: the refusal names the holder"
  expect_exit 1 "$kind: state set while a run holds it" -- "$CHORUS" state set --state "$state" '{"bookmarks":{}}'
  expect_contains err "is in use by chorus run" "$kind: state set is refused naming the holder"
  expect_equal "$(last_id "$state")" 8 "$kind: refused runs and commands left the state alone"

  # SIGKILL: the lock is left behind; the next run takes it over and resumes.
  kill -KILL "$holder"
  wait "$holder" 2>/dev/null
  run_args "$state" 20
  expect_exit 0 "$kind: a run after the holder was SIGKILLed" -- "$CHORUS" "${ARGS[@]}"
  expect_contains err "taking over the lock left by chorus run tap-fixture-to-target-fixture (pid $holder" \
    "$kind: the lock of the killed run is taken over, naming it"
  expect_equal "$(first_id out.jsonl)" 9 \
    "$kind: the run after the kill resumed after the last stored bookmark"
  expect_equal "$(last_id "$state")" 20 "$kind: the run after the kill stored its bookmark"
  run_args "$state" 20
  expect_exit 0 "$kind: a run after a clean end" -- "$CHORUS" "${ARGS[@]}"
  expect_not_contains err "taking over" "$kind: a cleanly released lock is not reported as left behind"

  expect_exit 0 "$kind: state clear" -- "$CHORUS" state clear --state "$state"
  expect_exit 0 "$kind: state list after clear" -- "$CHORUS" state list --state "$state"
  expect_contains err "no state stored at" "$kind: clear removed the state"
}

s3_state="s3://$CHORUS_TEST_S3_BUCKET/state-test-$unique/items.json"
check_store "$s3_state" s3 "$s3_state"
check_store "$pg_url?state_id=state-test-$unique&sslmode=disable" postgresql \
  "postgresql://$CHORUS_TEST_PG_USER:***@$CHORUS_TEST_PG_HOST:$CHORUS_TEST_PG_PORT/"

# Meltano's layout for an S3 prefix: <prefix>/<pipeline name>/state.json.
cat >pipe.yml <<YAML
name: layout-$unique
state: s3://$CHORUS_TEST_S3_BUCKET/meltano-layout/
state_s3_endpoint: $CHORUS_TEST_S3_ENDPOINT
tap: {plugin: tap-fixture, config: {records: 4}}
target: {plugin: target-fixture, config: {path: out.jsonl}}
YAML
expect_exit 0 "a pipeline with an S3 prefix as its state" -- env -u AWS_ENDPOINT_URL_S3 "$CHORUS" run --pipeline pipe.yml
expect_contains err "state stored at s3://$CHORUS_TEST_S3_BUCKET/meltano-layout/layout-$unique/state.json" \
  "the state is <prefix>/<name>/state.json"
expect_equal "$(last_id "s3://$CHORUS_TEST_S3_BUCKET/meltano-layout/layout-$unique/state.json")" 4 \
  "the state at Meltano's path holds the run's bookmark"

# Locations that match nothing are errors, not a local file of that name.
expect_exit 1 "an unknown kind of store" -- "$CHORUS" state list --state "gs://bucket/x.json"
expect_contains err "not a known kind of state store" "an unknown scheme is named"
expect_exit 1 "a PostgreSQL URL with an unknown parameter" -- "$CHORUS" state list --state "$pg_url?stateid=x"
expect_contains err "'stateid' is not a known parameter" "the unknown parameter is named"
expect_not_contains err "$CHORUS_TEST_PG_PASSWORD@" "the password is not in the message"
finish
