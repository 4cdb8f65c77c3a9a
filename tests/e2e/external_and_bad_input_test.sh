#!/usr/bin/env bash
# An external Singer executable as the tap; bad input fails with the plugin, stream and line in
# the message, and leaves the state as it was.
source "$(dirname "$0")/lib.sh"

cat >tap-script <<'SH'
#!/usr/bin/env bash
# A minimal Singer tap: three users, or with BAD=1 a record that breaks the schema.
echo '{"type":"SCHEMA","stream":"users","schema":{"type":"object","properties":{"id":{"type":"integer"},"name":{"type":"string"}}},"key_properties":["id"]}'
echo '{"type":"RECORD","stream":"users","record":{"id":1,"name":"Ada"}}'
echo '{"type":"RECORD","stream":"users","record":{"id":2,"name":"Grace"}}'
if [[ ${BAD:-0} == 1 ]]; then
  echo '{"type":"RECORD","stream":"users","record":{"id":"three","name":"Edsger"}}'
else
  echo '{"type":"RECORD","stream":"users","record":{"id":3,"name":"Edsger"}}'
fi
echo '{"type":"STATE","value":{"bookmarks":{"users":{"id":3}}}}'
SH
chmod +x tap-script

expect_exit 0 "external tap into sqlite" -- "$CHORUS" run ./tap-script target-sqlite \
  --config 'target-sqlite={"database":"users.db"}' --state state.json
expect_equal "$(sqlite3 users.db 'select group_concat(name) from (select name from users order by id)')" "Ada,Grace,Edsger" "rows from the external tap"
before=$(cat state.json)

expect_exit 1 "a record breaking its schema" -- env BAD=1 "$CHORUS" run ./tap-script target-sqlite \
  --config 'target-sqlite={"database":"users.db"}' --state state.json
expect_contains err "target-sqlite" "the message names the plugin"
expect_contains err "users" "the message names the stream"
expect_contains err "line 4" "the message names the line"
expect_equal "$(cat state.json)" "$before" "the state is untouched by the failed run"

printf '{"type":"SCHEMA","stream":"users","schema":{"type":"object","properties":{"id":{"type":"integer"}}},"key_properties":["id"]}\n{"type":"RECORD","stream":"users","record":{"id":\n' >bad.singer
cat >broken-tap <<SH
#!/usr/bin/env bash
cat "$WORK/bad.singer"
SH
chmod +x broken-tap
expect_exit 1 "malformed JSON from the tap" -- "$CHORUS" run ./broken-tap target-jsonl --config 'target-jsonl={"destination_path":"j"}' --state state.json
expect_contains err "target-jsonl" "malformed input names the plugin"
expect_contains err "line 2" "malformed input names the line"
expect_equal "$(cat state.json)" "$before" "the state is untouched by the malformed run"
finish
