#!/usr/bin/env bash
# chorus state list|get|set|merge|clear, against --state FILE or a pipeline's state: both Singer
# forms accepted, non-objects refused, one stream at a time, `show` kept as `get`.
source "$(dirname "$0")/lib.sh"

state() { "$CHORUS" state "$@"; }

expect_exit 0 "get without a state" -- state get --state s.json
expect_contains out "{}" "get prints an empty state"
expect_contains err "no state stored at $WORK/s.json" "get says there is none"

expect_exit 0 "set a bare value" -- state set --state s.json '{"bookmarks":{"orders":{"id":5},"users":{"id":9}}}'
expect_exit 0 "merge a STATE message" -- state merge --state s.json \
  '{"type":"STATE","value":{"bookmarks":{"orders":{"id":7,"version":2}},"currently_syncing":"orders"}}'
[[ $(json_get s.json "(d['bookmarks']['orders'], d['bookmarks']['users'], d['currently_syncing'])") == "({'id': 7, 'version': 2}, {'id': 9}, 'orders')" ]] ||
  fail "merge: $(cat s.json)"

expect_exit 0 "list" -- state list --state s.json
expect_equal "$(cat out)" $'orders\t{"id":7,"version":2}\nusers\t{"id":9}' "list: one stream per line with its bookmark"
expect_exit 0 "get one stream" -- state get --state s.json --stream users
expect_equal "$(python3 -c 'import json,sys; print(json.load(sys.stdin))' <out)" "{'id': 9}" "get --stream prints the bookmark"
expect_exit 0 "show is get" -- state show --state s.json
expect_contains out '"version": 2' "show prints the state"
expect_exit 1 "get an unknown stream" -- state get --state s.json --stream order
expect_contains err "stream 'order' has no bookmark in $WORK/s.json; streams with one: orders, users" \
  "an unknown stream is an error listing the known ones"

expect_exit 0 "set one stream" -- state set --state s.json --stream users '{"id":1}'
[[ $(json_get s.json "(d['bookmarks']['users'], d['bookmarks']['orders']['id'])") == "({'id': 1}, 7)" ]] ||
  fail "set --stream: $(cat s.json)"
echo '{"type":"STATE","value":{"bookmarks":{"orders":{"id":3}}}}' >from-file.json
expect_exit 0 "set from a file holding a STATE message" -- state set --state s.json from-file.json
[[ $(json_get s.json "d") == "{'bookmarks': {'orders': {'id': 3}}}" ]] || fail "set from file: $(cat s.json)"

cp s.json s.before
for bad in 5 '"x"' null '[1,2]' '{"type":"STATE","value":[1,2]}'; do
  echo "$bad" >bad.json
  expect_exit 1 "set $bad" -- state set --state s.json bad.json
  expect_contains err "a state value must be a JSON object" "set $bad refused"
  expect_exit 1 "merge $bad" -- state merge --state s.json bad.json
  cmp -s s.json s.before || fail "refusing $bad changed the state"
done
expect_exit 1 "set another message" -- state set --state s.json '{"type":"RECORD","stream":"a","record":{}}'
expect_contains err "a Singer message other than STATE" "a RECORD is not a state"

expect_exit 1 "clear an unknown stream" -- state clear --state s.json --stream nope
expect_contains err "stream 'nope' has no bookmark" "clear --stream of nothing is an error"
state set --state s.json '{"bookmarks":{"orders":{"id":3},"users":{"id":4}}}' 2>/dev/null
expect_exit 0 "clear one stream" -- state clear --state s.json --stream orders
[[ $(json_get s.json "d") == "{'bookmarks': {'users': {'id': 4}}}" ]] || fail "clear --stream: $(cat s.json)"
expect_exit 0 "clear" -- state clear --state s.json
[[ ! -e s.json ]] || fail "clear left the state file"

# A pipeline's state: `state:` relative to the pipeline file's folder, --state to the current one.
mkdir -p project/sub
cat >project/pipe.yml <<'YAML'
state: states/pipe.json
tap: { plugin: tap-fixture, config: { records: 3 } }
target: { plugin: target-fixture, config: { path: loaded.jsonl } }
YAML
expect_exit 0 "run the pipeline" -- "$CHORUS" run --pipeline project/pipe.yml
expect_exit 0 "list --pipeline" -- state list --pipeline project/pipe.yml
expect_equal "$(cat out)" $'items\t{"last_id":3}' "the pipeline's state, next to its file"
(cd project/sub && "$CHORUS" state get --state ../states/pipe.json) >out 2>err ||
  fail "get --state relative to the current folder"
expect_contains out '"last_id": 3' "--state is relative to the current folder"
finish
