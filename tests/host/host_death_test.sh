#!/usr/bin/env bash
# SIGKILL of `chorus run` leaves nothing behind: an external tap and what it started, and an
# isolated plugin's child, end with the host; the tap's config (with its secret) never touched
# the disk; the next run removes the temporary folders of runs that were killed.
source "$(dirname "$0")/lib.sh"
mkdir -p tmp
export TMPDIR=$WORK/tmp

# running PID: true while the process exists and is not a zombie (a zombie has ended; whether
# it is reaped is up to init).
running() {
  [[ -r /proc/$1/stat ]] || return 1
  local state
  state=$(sed 's/^.*) //' "/proc/$1/stat" | cut -d' ' -f1)
  [[ $state != Z ]]
}

# gone_within SECONDS PID...: true once none of the processes runs; a generous bound, so a busy
# machine cannot fail the check, while a process that outlives the host fails it.
gone_within() {
  local limit=$1 pid
  shift
  for _ in $(seq 1 $((limit * 10))); do
    local alive=0
    for pid in "$@"; do running "$pid" && alive=1; done
    ((alive)) || return 0
    sleep 0.1
  done
  return 1
}

wait_for_file() {
  for _ in $(seq 1 300); do
    [[ -s $1 ]] && return 0
    sleep 0.1
  done
  fail "timed out waiting for $1"
  return 1
}

SECRET=pw-kept-in-memory-only-4711

install -m 755 "$(dirname "$0")/slow_tap.py" slow-tap

touch before-the-run
SLOW_TAP_HELPER=1 "$CHORUS" run ./slow-tap target-fixture --config "slow-tap={\"password\":\"$SECRET\"}" \
  --config 'target-fixture={"path":"o.jsonl"}' --state s.json 2>err &
host=$!
wait_for_file tap.pids
wait_for_file s.json
read -r tap_pid helper_pid <tap.pids
guardian=$(pgrep -P $host | head -1)
running "$tap_pid" || fail "the external tap should run before the kill"
kill -KILL $host
wait $host 2>/dev/null
gone_within 20 "$tap_pid" "$helper_pid" $guardian || fail "the external tap ($tap_pid), its helper ($helper_pid) or its guardian outlived the host"

expect_contains tap.config-path "/dev/fd/" "the tap's config is a memory file, not a path on disk"
grep -rqF "$SECRET" tmp && fail "the secret reached the temporary folder"
left=$(find tmp -newer before-the-run)
[[ -z $left ]] || fail "the killed run left files under TMPDIR: $left"

# Leftovers as killed runs leave them: one of a dead owner (a pid beyond pid_max), one of a live
# owner, one without an owner pid.
mkdir -p tmp/chorus-999999999-aB3dEf tmp/chorus-$$-aB3dEf tmp/chorus-aB3dEf
echo "leftover" >tmp/chorus-999999999-aB3dEf/1-config.json

expect_exit 0 "the next run" -- "$CHORUS" run tap-fixture target-fixture \
  --config 'tap-fixture={"records": 3}' --config 'target-fixture={"path":"o2.jsonl"}'
[[ -d tmp/chorus-999999999-aB3dEf ]] && fail "the folder of a dead owner was not swept"
[[ -d tmp/chorus-$$-aB3dEf ]] || fail "the folder of a live owner was swept"
[[ -d tmp/chorus-aB3dEf ]] || fail "a folder without an owner pid was swept"
expect_contains err "removed 1 temporary folder(s) left by killed runs" "the sweep is logged"

# An isolated plugin's child process ends with the host too.
"$CHORUS" run --isolate tap-fixture target-fixture \
  --config 'tap-fixture={"records": 1000, "state_every": 10, "hang_after": 50}' \
  --config 'target-fixture={"path":"o3.jsonl"}' --state s3.json 2>err3 &
host=$!
for _ in $(seq 1 300); do
  grep -qF "hanging after 50 records" err3 && break
  sleep 0.1
done
children=$(pgrep -P $host | tr '\n' ' ')
[[ $(wc -w <<<"$children") == 2 ]] || fail "expected two isolated children, found '$children'"
kill -KILL $host
wait $host 2>/dev/null
# shellcheck disable=SC2086
gone_within 20 $children || fail "isolated children ($children) outlived the host"
finish
