#!/usr/bin/env bash
# One state, one run at a time: a second run and `chorus state set|merge|clear` are refused while
# a run holds the state, naming it; a lock left by a SIGKILLed run is taken over by the next run.
source "$(dirname "$0")/lib.sh"

# The arguments of a run up to id $1 on state.json, with more tap settings in $2.
run_args() {
  ARGS=(run tap-fixture target-fixture --config "tap-fixture={\"records\": $1, \"state_every\": 5${2:-}}"
    --config 'target-fixture={"path":"out.jsonl"}' --state state.json)
}
run() {
  run_args "$@"
  "$CHORUS" "${ARGS[@]}"
}

# Waits (at most two minutes) until the state file holds last_id $1: the background run got there.
wait_for_bookmark() {
  local until=$((SECONDS + 120))
  while ((SECONDS < until)); do
    grep -qs "\"last_id\": $1\$" state.json && return 0
    sleep 0.1
  done
  fail "the background run never stored last_id $1"
  return 1
}

# Background runs never outlive the test, whatever check fails.
background=()
trap 'for pid in "${background[@]}"; do kill -KILL "$pid" 2>/dev/null; done; rm -rf "$WORK"' EXIT

# A run that stores last_id 10, then waits for a stop.
run_args 100 ', "hang_after": 10'
"$CHORUS" "${ARGS[@]}" >first.out 2>first.err &
first=$!
background+=("$first")
wait_for_bookmark 10
cp state.json state.held

expect_exit 1 "a second run on the held state" -- run 100
expect_contains err "is in use by chorus run tap-fixture-to-target-fixture (pid $first on host $(hostname)" \
  "the refusal names the holder, its pid and host"
expect_contains err ", since 20" "the refusal says since when"
for change in "set {\"bookmarks\":{}}" "merge {\"bookmarks\":{}}" "clear" "clear --stream items"; do
  # shellcheck disable=SC2086
  expect_exit 1 "state $change while a run holds it" -- "$CHORUS" state $change --state state.json
  expect_contains err "is in use by chorus run" "state $change names the holder"
done
cmp -s state.json state.held || fail "refused runs and commands changed the state"

kill -TERM "$first"
wait "$first"
expect_equal "$?" 143 "the first run, stopped, exits 143"
[[ $(json_get state.json "d['bookmarks']['items']['last_id']") == 10 ]] || fail "the first run's bookmark was lost"

expect_exit 0 "a run after the first ended" -- run 15
[[ $(json_get state.json "d['bookmarks']['items']['last_id']") == 15 ]] || fail "the next run did not resume"
expect_not_contains err "taking over" "a cleanly released lock is not reported as left behind"

# A run killed with SIGKILL cannot release its lock; the kernel does, and the next run takes it.
run_args 100 ', "hang_after": 5'  # 5 more records after last_id 15
"$CHORUS" "${ARGS[@]}" >killed.out 2>killed.err &
killed=$!
background+=("$killed")
wait_for_bookmark 20
kill -KILL "$killed"
wait "$killed" 2>/dev/null
expect_exit 0 "a run after a SIGKILLed one" -- run 25
expect_contains err "taking over the lock left by chorus run tap-fixture-to-target-fixture (pid $killed" \
  "the lock left by the killed run is taken over, naming it"
[[ $(json_get state.json "d['bookmarks']['items']['last_id']") == 25 ]] || fail "the run after the kill did not resume"
expect_exit 0 "state set after the runs" -- "$CHORUS" state set --state state.json '{"bookmarks":{"items":{"last_id":3}}}'
finish
