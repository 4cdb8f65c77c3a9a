#!/usr/bin/env bash
# --config next to --pipeline merges into the member's config key by key; relative paths in a
# pipeline file resolve against its folder, those on the command line against the current one;
# the end of a run says where the state went, or that it was not stored.
source "$(dirname "$0")/lib.sh"

mkdir -p project elsewhere
cat >project/pipe.yml <<'YAML'
name: things
tap:
  plugin: tap-fixture
  config: { records: 4, stream: things }
target:
  plugin: target-fixture
  config: { path: loaded.jsonl }
YAML
echo '{"records": 6}' >elsewhere/more.json

expect_exit 0 "--config next to --pipeline" -- "$CHORUS" run --pipeline project/pipe.yml \
  --config 'tap-fixture={"records": 5}' --config tap-fixture=elsewhere/more.json
state=project/.chorus/things.state.json
[[ -f $state ]] || fail "no state at the default path next to the pipeline file"
[[ $(json_get "$state" "d['bookmarks']['things']['last_id']") == 6 ]] ||
  fail "--config replaced the file's config instead of merging (state: $(cat "$state" 2>/dev/null))"
[[ $(wc -l <project/loaded.jsonl) == 6 ]] || fail "the target's relative path is not relative to the pipeline file"
expect_contains err "state stored at $WORK/$state" "the default state path is printed at the end"

expect_exit 0 "--state next to --pipeline" -- "$CHORUS" run --pipeline project/pipe.yml --state here.json
[[ -f here.json && ! -e project/here.json ]] || fail "--state is not relative to the current folder"
expect_contains err "state stored at $WORK/here.json" "the --state path is printed"

expect_exit 0 "a run without state" -- "$CHORUS" run tap-fixture target-fixture \
  --config 'target-fixture={"path":"o.jsonl"}'
expect_contains err "state not stored" "a run without a state file says so"

expect_exit 0 "help" -- "$CHORUS" run --help
expect_contains out "merged key by key" "--help says --config merges"
finish
