#!/usr/bin/env bash
# A run stores the state the target echoes; the next run resumes from it; --full-refresh does not.
source "$(dirname "$0")/lib.sh"

run() {
  "$CHORUS" run tap-fixture target-fixture --config "tap-fixture={\"records\": $1, \"state_every\": 7}" \
    --config 'target-fixture={"path": "out.jsonl"}' --state state.json "${@:2}"
}

expect_exit 0 "first run" -- run 20
[[ $(wc -l <out.jsonl) == 20 ]] || fail "first run loaded $(wc -l <out.jsonl) records, expected 20"
[[ $(json_get state.json "d['bookmarks']['items']['last_id']") == 20 ]] || fail "state after first run"
[[ $(stat -c %a state.json) == 600 ]] || fail "state file mode is $(stat -c %a state.json)"
expect_contains err "records" "a summary is logged"

expect_exit 0 "resumed run" -- run 25
[[ $(wc -l <out.jsonl) == 25 ]] || fail "resumed run should add 5 records, file has $(wc -l <out.jsonl)"
[[ $(json_get state.json "d['bookmarks']['items']['last_id']") == 25 ]] || fail "state after resume"

expect_exit 0 "full refresh" -- run 25 --full-refresh
[[ $(wc -l <out.jsonl) == 50 ]] || fail "full refresh should re-extract 25 records"

expect_exit 0 "state show" -- "$CHORUS" state show --state-file state.json
expect_contains out '"last_id": 25' "state show prints the state"
expect_exit 0 "state set" -- "$CHORUS" state set --state-file state.json '{"bookmarks":{"items":{"last_id":23}}}'
expect_exit 0 "run after state set" -- run 25
[[ $(wc -l <out.jsonl) == 52 ]] || fail "a run after state set should add 2 records"
expect_exit 0 "state clear" -- "$CHORUS" state clear --state-file state.json
[[ ! -e state.json ]] || fail "state clear left the file"

# A pipeline file with ${VAR} interpolation and a state path relative to the file.
mkdir -p project
cat >project/pipe.yml <<'YAML'
name: items
tap:
  plugin: tap-fixture
  config:
    records: ${RECORDS:-4}
  select: [items]
target:
  plugin: target-fixture
  config: { path: loaded.jsonl }
YAML
expect_exit 0 "pipeline file run" -- env RECORDS=6 "$CHORUS" run --pipeline project/pipe.yml
[[ $(wc -l <project/loaded.jsonl) == 6 ]] || fail "pipeline file: relative output path or \${RECORDS}"
[[ -f project/.chorus/items.state.json ]] || fail "pipeline file: default state path"
expect_exit 0 "state show --pipeline" -- "$CHORUS" state show --pipeline project/pipe.yml
expect_contains out '"last_id": 6' "state show via pipeline"
expect_exit 1 "selecting an unknown stream" -- "$CHORUS" run tap-fixture target-fixture --select nope
expect_contains err "its streams are: items" "selection error lists streams"
finish
