#!/usr/bin/env bash
# An external Singer target that prints bare state values (as singer-python and Meltano SDK
# targets do) in a pipeline: the host stores each one and the next run resumes from it.
source "$(dirname "$0")/lib.sh"

cat >target-singer <<'PY'
#!/usr/bin/env python3
# Behaves like a singer-python target: reads Singer messages on stdin, logs on stderr, writes
# each STATE's value (bare, not the whole message) on stdout once the records before it are
# stored.
import argparse, json, os, sys

parser = argparse.ArgumentParser()
parser.add_argument("--config", required=True)
args = parser.parse_args()
config = json.load(open(args.config))
out = open(config["path"], "a")
for line in sys.stdin:
    message = json.loads(line)
    if message["type"] == "RECORD":
        out.write(json.dumps(message["record"]) + "\n")
    elif message["type"] == "STATE":
        out.flush()
        os.fsync(out.fileno())
        sys.stdout.write(json.dumps(message["value"]) + "\n")
        sys.stdout.flush()
print("INFO target-singer done", file=sys.stderr)
PY
chmod +x target-singer

mkdir project
cat >project/pipe.yml <<'YAML'
name: singer-target
tap:
  plugin: tap-fixture
  config:
    records: ${RECORDS}
    state_every: 4
target:
  executable: ./target-singer
  config: { path: loaded.jsonl }
YAML
cp target-singer project/
state=project/.chorus/singer-target.state.json
for records in 5 9 12; do
  expect_exit 0 "run up to $records" -- env RECORDS=$records "$CHORUS" run --pipeline project/pipe.yml
  expect_not_contains err "neither a STATE message nor a state value" "bare state lines are not dropped"
  expect_contains err "state stored at $WORK/$state" "the state path is printed"
  [[ $(json_get "$state" "d['bookmarks']['items']['last_id']") == "$records" ]] ||
    fail "after the run up to $records the state is $(cat "$state")"
done
# Each run read only new rows: ids 1..12 exactly once.
ids=$(python3 -c "import json; print(' '.join(str(json.loads(l)['id']) for l in open('project/loaded.jsonl')))")
expect_equal "$ids" "$(seq -s ' ' 1 12)" "three runs resumed, each record loaded once"
finish
