#!/usr/bin/env bash
# chorus exec: a plugin as a standard Singer executable; secrets redacted from plugin logs.
source "$(dirname "$0")/lib.sh"

echo '{"records": 3, "state_every": 2, "password": "pa55-word-xyz"}' >tap.json
expect_exit 0 "exec tap" -- "$CHORUS" exec tap-fixture -- --config tap.json
[[ $(grep -c '"RECORD"' out) == 3 ]] || fail "exec tap wrote $(grep -c '"RECORD"' out) records"
expect_not_contains err "pa55-word-xyz" "secret setting redacted"
expect_contains err "[tap-fixture]" "plugin log lines carry the plugin name"
echo '{"bookmarks":{"items":{"last_id":2}}}' >state.json
expect_exit 0 "exec tap with state" -- "$CHORUS" exec tap-fixture -- --config tap.json --state state.json
[[ $(grep -c '"RECORD"' out) == 1 ]] || fail "exec tap did not resume from --state"
expect_exit 0 "exec discover" -- "$CHORUS" exec tap-fixture -- --config tap.json --discover
python3 -c "import json; assert json.load(open('out'))['streams'][0]['tap_stream_id'] == 'items'" || fail "discover output"
expect_exit 0 "exec about" -- "$CHORUS" exec tap-fixture -- --about --format markdown
expect_contains out "## Settings" "exec about markdown"

"$CHORUS" exec tap-fixture -- --config tap.json >stream.singer 2>/dev/null
echo '{"path": "t.jsonl"}' >target.json
"$CHORUS" exec target-fixture -- --config target.json <stream.singer >target.out 2>err || fail "exec target"
[[ $(wc -l <t.jsonl) == 3 ]] || fail "exec target loaded $(wc -l <t.jsonl) records"
expect_contains target.out '"last_id":3' "exec target echoes the final state"
expect_exit 1 "exec with a rejected config" -- "$CHORUS" exec tap-fixture -- --config <(echo '{"nope": 1}')
expect_contains err "rejected its config" "exec config error"
finish
