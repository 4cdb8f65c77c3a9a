#!/usr/bin/env bash
# A STATE whose value is not a JSON object (5, "x", null, [1,2]) is a protocol error: the run
# fails naming the target and its output line, and the state file stays byte-identical.
source "$(dirname "$0")/lib.sh"

# A Singer tap that sends one good record and then the STATE value it is given.
cat >tap-bad-state <<'SH'
#!/usr/bin/env bash
echo '{"type":"SCHEMA","stream":"s","schema":{"type":"object","properties":{"id":{"type":"integer"}}},"key_properties":["id"]}'
echo '{"type":"RECORD","stream":"s","record":{"id":1}}'
echo "{\"type\":\"STATE\",\"value\":$BAD_VALUE}"
echo '{"type":"RECORD","stream":"s","record":{"id":2}}'
echo '{"type":"STATE","value":{"bookmarks":{"s":{"n":2}}}}'
SH
chmod +x tap-bad-state

echo '{"bookmarks": {"s": {"n": 0}, "other": {"n": 7}}}' >state.json
cp state.json state.before
for bad in 5 '"x"' null '[1,2]'; do
  expect_exit 1 "STATE value $bad" -- env BAD_VALUE="$bad" "$CHORUS" run ./tap-bad-state \
    target-fixture --config 'target-fixture={"path":"o.jsonl"}' --state state.json
  expect_contains err "target 'target-fixture', line 1 of its output: a state value must be a JSON object" \
    "the error names the target and the line for $bad"
  expect_contains err "got $bad" "the error quotes the value $bad"
  cmp -s state.json state.before || fail "STATE value $bad changed the state file"
done

# An external target that prints a bare value that is not an object is refused the same way.
cat >target-bare-array <<'SH'
#!/usr/bin/env bash
cat >/dev/null
echo '{"bookmarks":{"items":{"last_id":1}}}'
echo '[1,2]'
SH
chmod +x target-bare-array
expect_exit 1 "bare non-object from an external target" -- "$CHORUS" run tap-fixture \
  ./target-bare-array --state state.json
expect_contains err "target 'target-bare-array', line 2 of its output" "external target named with its line"
[[ $(json_get state.json "d['bookmarks']['items']['last_id']") == 1 ]] ||
  fail "the good state before the bad line was not stored"
finish
