#!/usr/bin/env bash
# chorus test: the suite passes plugins that behave and fails, with a readable reason, those
# that do not.
source "$(dirname "$0")/lib.sh"

expect_exit 0 "a well-behaved tap passes" -- "$CHORUS" test tap-fixture
expect_contains out "PASS  a second run resumes from the final STATE" "tap report"
expect_exit 0 "a well-behaved target passes" -- "$CHORUS" test target-fixture
expect_contains out "PASS  malformed JSON fails naming the line" "target report"

if [ -f "$CHORUS_PLUGINS/mapper-pii.so" ]; then
  expect_exit 0 "a mapper that keeps every STATE in order passes" -- "$CHORUS" test \
    "$CHORUS_PLUGINS/mapper-pii.so" --config '{"hash": ["conformance_users.name"], "salt": "s"}'
  expect_contains out "PASS  a valid stream maps, STATEs passed on unchanged in order" "mapper report"
fi

expect_exit 1 "a tap emitting a record that breaks its schema fails" -- "$CHORUS" test tap-fixture --config '{"bad_record_at": 4}'
expect_contains out "FAIL  synced records match their declared schema" "schema violation reported"
expect_contains out "line 5, stream 'items'" "violation names the line and stream"

expect_exit 1 "a target that fails every stream fails the good cases" -- "$CHORUS" test target-silent-failure
expect_contains out "FAIL  a valid stream loads and echoes its final STATE" "silent target"
expect_exit 1 "a crashing target fails, and the suite survives" -- "$CHORUS" test target-crash
expect_contains out "crashed with signal 11" "crash reported as a failed check"
finish
