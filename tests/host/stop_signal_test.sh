#!/usr/bin/env bash
# SIGINT/SIGTERM stop the tap, the target drains and echoes its state, chorus stores it and exits
# 130/143. SIGKILL mid-run never leaves a torn state, and the re-run completes the data.
source "$(dirname "$0")/lib.sh"

wait_for_line() {  # file text
  for _ in $(seq 1 300); do
    grep -qF -- "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  fail "timed out waiting for '$2' in $1"
  return 1
}

for signal in INT TERM; do
  [[ $signal == INT ]] && want=130 || want=143
  for mode in "" "--isolate"; do
    rm -f s.json o.jsonl
    "$CHORUS" run $mode tap-fixture target-fixture \
      --config 'tap-fixture={"records": 1000, "state_every": 10, "hang_after": 50}' \
      --config 'target-fixture={"path":"o.jsonl"}' --state s.json 2>err &
    pid=$!
    wait_for_line err "hanging after 50 records"
    kill -s $signal $pid
    wait $pid
    got=$?
    [[ $got == "$want" ]] || { fail "SIG$signal $mode: exit $got, expected $want"; tail err >&2; }
    # The stop reaches the tap only: a target cut short in a read would fail and echo nothing.
    grep -q "failed in run" err && fail "SIG$signal $mode: a member failed after the stop: $(grep "failed in run" err)"
    [[ $(json_get s.json "d['bookmarks']['items']['last_id']") == 50 ]] || fail "SIG$signal $mode: state after stop"
    [[ $(wc -l <o.jsonl) == 50 ]] || fail "SIG$signal $mode: records loaded"
  done
done

# SIGKILL: the state file is always whole JSON, and a re-run loads everything exactly once
# counted by distinct id (the fixture target appends, so duplicates are possible but loss is not).
rm -f s.json o.jsonl
"$CHORUS" run tap-fixture target-fixture \
  --config 'tap-fixture={"records": 400, "state_every": 3, "sleep_ms": 5}' \
  --config 'target-fixture={"path":"o.jsonl"}' --state s.json 2>err &
pid=$!
sleep 1
kill -KILL $pid
wait $pid 2>/dev/null
[[ -f s.json ]] && { python3 -c "import json; json.load(open('s.json'))" || fail "state torn after SIGKILL"; }
ls -a | grep -q '^\.s\.json\.' && echo "note: a temporary state file was left by the kill (harmless)"
expect_exit 0 "re-run after SIGKILL" -- "$CHORUS" run tap-fixture target-fixture \
  --config 'tap-fixture={"records": 400, "state_every": 3}' --config 'target-fixture={"path":"o.jsonl"}' --state s.json
distinct=$(python3 -c "import json; print(len({json.loads(l)['record']['id'] for l in open('o.jsonl')}))")
[[ $distinct == 400 ]] || fail "after SIGKILL and re-run, $distinct distinct ids instead of 400"
# SIGTERM with an external tap: the host forwards the stop to the tap's process group, the target
# stores what it has, and the last line says the run was stopped, with what was committed.
install -m 755 "$(dirname "$0")/slow_tap.py" slow-tap
rm -f s.json o.jsonl
"$CHORUS" run ./slow-tap target-fixture --config 'target-fixture={"path":"o.jsonl"}' --state s.json 2>err &
pid=$!
wait_for_line err "twenty records out"
kill -s TERM $pid
wait $pid
got=$?
[[ $got == 143 ]] || { fail "SIGTERM with an external tap: exit $got, expected 143"; tail err >&2; }
tail -n 1 err >last
expect_contains last "run failed: stopped by signal 15" "the last line says the run was stopped"
n=$(json_get s.json "d['bookmarks']['s']['n']")
expect_contains last "s: " "the stopped run's counts"
grep -qF "$n committed" last || fail "the last line's committed count matches the stored bookmark $n: $(cat last)"
finish
