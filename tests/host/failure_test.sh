#!/usr/bin/env bash
# Every failing member gives a non-zero exit and a message naming it; nothing hangs.
source "$(dirname "$0")/lib.sh"
TAP_CONFIG='tap-fixture={"records": 200000, "state_every": 1000}'

expect_exit 1 "target failing without a message" -- timeout 60 "$CHORUS" run tap-fixture target-silent-failure --config "$TAP_CONFIG"
expect_contains err "target-silent-failure" "silent failure names the plugin"
expect_contains err "plugin bug: failed without a message" "silent failure is a plugin bug"

expect_exit 1 "tap failing with a message" -- timeout 60 "$CHORUS" run tap-fixture target-fixture \
  --config 'tap-fixture={"records": 100, "fail_after": 30, "state_every": 10}' --config 'target-fixture={"path":"o.jsonl"}' --state s.json
expect_contains err "plugin 'tap-fixture' failed in run: fixture failure after 30 records" "tap failure message"
[[ $(json_get s.json "d['bookmarks']['items']['last_id']") == 30 ]] || fail "state holds what the target confirmed before the failure"

expect_exit 1 "target failing at a line" -- timeout 60 "$CHORUS" run tap-fixture target-fixture \
  --config "$TAP_CONFIG" --config 'target-fixture={"path":"o2.jsonl","fail_on_line":500}' --state s2.json
expect_contains err "plugin 'target-fixture' failed in run: line 500" "target failure names the line"

expect_exit 1 "create throwing" -- timeout 60 "$CHORUS" run tap-fixture target-create-throws
expect_contains err "plugin bug" "exception across the ABI is a plugin bug"

expect_exit 1 "config rejected" -- timeout 60 "$CHORUS" run tap-fixture target-fixture --config 'tap-fixture={"recods": 1}'
expect_contains err "plugin 'tap-fixture' rejected its config" "config error"

expect_exit 1 "segfault, isolated" -- timeout 60 "$CHORUS" run --isolate tap-fixture target-crash --config "$TAP_CONFIG"
expect_contains err "plugin 'target-crash' crashed with signal 11" "segfault reported"
expect_exit 1 "abort, isolated" -- timeout 60 "$CHORUS" run --isolate tap-fixture target-crash --config "$TAP_CONFIG" --config 'target-crash={"mode":"abort"}'
expect_contains err "plugin 'target-crash' crashed with signal 6" "abort reported"

expect_exit 1 "tap failing, isolated" -- timeout 60 "$CHORUS" run --isolate tap-fixture target-fixture \
  --config 'tap-fixture={"records": 100, "fail_after": 30, "state_every": 10}' --config 'target-fixture={"path":"o3.jsonl"}' --state s3.json
expect_contains err "fixture failure after 30 records" "isolated failure message travels back"
[[ $(json_get s3.json "d['bookmarks']['items']['last_id']") == 30 ]] || fail "isolated run stores state"
expect_exit 0 "isolated run succeeds" -- timeout 60 "$CHORUS" run --isolate tap-fixture target-fixture \
  --config 'tap-fixture={"records": 40}' --config 'target-fixture={"path":"o4.jsonl"}' --select items
[[ $(wc -l <o4.jsonl) == 40 ]] || fail "isolated run loaded $(wc -l <o4.jsonl) records"
finish
