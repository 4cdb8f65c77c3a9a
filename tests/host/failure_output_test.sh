#!/usr/bin/env bash
# The root cause comes first: an external program's own error (a Python traceback, a CRITICAL
# line) is logged as an error under its name; the target's follow-on failure is marked as a
# consequence; a hint never suggests a command that cannot apply.
source "$(dirname "$0")/lib.sh"

cat >broken-tap <<'PY'
#!/usr/bin/env python3
# Emits three records and half a fourth line, then fails the way Python taps do.
import json, sys
print(json.dumps({"type": "SCHEMA", "stream": "items", "key_properties": ["id"],
                  "schema": {"type": "object", "properties": {"id": {"type": "integer"}}}}))
for i in range(1, 4):
    print(json.dumps({"type": "RECORD", "stream": "items", "record": {"id": i}}))
sys.stdout.write('{"type": "RECO')
sys.stdout.flush()
print("CRITICAL cannot reach the API", file=sys.stderr, flush=True)
def fetch():
    raise ValueError("boom-from-python")
fetch()
PY
chmod +x broken-tap
expect_exit 1 "a failing Python tap" -- timeout 60 "$CHORUS" run ./broken-tap target-fixture \
  --config 'target-fixture={"path":"o.jsonl"}'
grep -qE '^[-0-9: .]+error +\[broken-tap\] Traceback \(most recent call last\):' err || fail "the traceback is logged as an error under the tap's name"
grep -qE '^[-0-9: .]+error +\[broken-tap\] ValueError: boom-from-python' err || fail "the exception line is logged as an error"
grep -qE '^[-0-9: .]+error +\[broken-tap\] CRITICAL cannot reach the API' err || fail "a CRITICAL line is logged as an error"
grep -qE 'info +\[broken-tap\] +(Traceback|File|ValueError|fetch)' err && fail "traceback lines relayed at info level"
expect_contains err "executable 'broken-tap' exited with status 1; its last problem logged: ValueError: boom-from-python" "the failure quotes the exception"
expect_contains err "'target-fixture' failed as a consequence of 'broken-tap' failing" "the target's follow-on error is a consequence"
tail -n 1 err >last
expect_contains last "run failed: executable 'broken-tap' exited with status 1" "the last line names the root cause"

# The same tap isolated behind a chorus target in a child process: the cause stays the tap.
expect_exit 1 "a failing Python tap, isolated target" -- timeout 60 "$CHORUS" run --isolate ./broken-tap target-fixture \
  --config 'target-fixture={"path":"o2.jsonl"}'
tail -n 1 err >last
expect_contains last "run failed: executable 'broken-tap' exited with status 1" "the cause with an isolated target"

# A problem found before anything runs ends the run the same way.
expect_exit 1 "a rejected config" -- timeout 60 "$CHORUS" run tap-fixture target-fixture --config 'tap-fixture={"recods": 1}'
tail -n 1 err >last
expect_contains last "run failed: plugin 'tap-fixture' rejected its config" "the last line of a run that never started"

# An executable's broken catalog: the hint is a command that applies to an executable.
cat >bad-discover <<'SH'
#!/usr/bin/env bash
echo "this is not a catalog"
SH
chmod +x bad-discover
expect_exit 1 "an executable with a broken catalog" -- timeout 60 "$CHORUS" run ./bad-discover target-fixture \
  --config 'target-fixture={"path":"o3.jsonl"}' --select items
expect_contains err "run \`./bad-discover --config CONFIG --discover\` to see it" "the hint runs the executable itself"
expect_not_contains err "chorus discover" "no chorus discover hint for an executable"
finish
