#!/usr/bin/env bash
# Under a runner that reproduces Meltano's invocation and state bookkeeping (singer/meltano-runner:
# the target's last stdout line stored as the state, handed back as --state), three runs each
# of chorus tap -> Singer target, Singer tap -> chorus target and chorus tap -> chorus target,
# the chorus plugins run through links named for them, defined by `chorus meltano`. Every run
# after the first reads only the rows from the bookmark on, and the stored state is the plain
# bookmark document.
source "$(dirname "$0")/lib.sh"

mkdir project
"$CHORUS" meltano tap-csv >tap-csv.yml 2>err || fail "chorus meltano tap-csv"
"$CHORUS" meltano target-jsonl >target-jsonl.yml 2>err || fail "chorus meltano target-jsonl"
python3 - <<'PY' || fail "cannot assemble meltano.yml"
import yaml
tap = yaml.safe_load(open("tap-csv.yml"))["plugins"]["extractors"][0]
target = yaml.safe_load(open("target-jsonl.yml"))["plugins"]["loaders"][0]
tap["config"] = {"files": [{"entity": "rows", "path": "$MELTANO_PROJECT_ROOT/rows.csv",
                            "keys": ["id"], "replication_key": "id"}]}
target["config"] = {"destination_path": "$MELTANO_PROJECT_ROOT/chorus-out"}
project = {"version": 1, "plugins": {
    "extractors": [tap, {"name": "tap-rows", "namespace": "tap_rows", "executable": "tap-rows",
                         "capabilities": ["discover", "catalog", "state"],
                         "config": {"path": "$MELTANO_PROJECT_ROOT/rows.csv"}}],
    "loaders": [target, {"name": "target-rows", "namespace": "target_rows",
                         "executable": "target-rows",
                         "config": {"destination_path": "$MELTANO_PROJECT_ROOT/singer-out"}}]}}
yaml.safe_dump(project, open("project/meltano.yml", "w"), sort_keys=False)
PY

# run_pipeline TAP TARGET RUN: one run; the runner's summary in summary-TAP-TARGET-RUN.json.
run_pipeline() {
  local summary="summary-$1-$2-$3.json"
  meltano-runner project "$1" "$2" >"$summary" 2>"err-$1-$2-$3" ||
    { fail "run $3 of $1 -> $2"; sed 's/^/  | /' "err-$1-$2-$3" | tail -20 >&2; }
  python3 -c "import json,sys; json.dump(json.load(open(sys.argv[1]))['state'], open(sys.argv[2], 'w'))" \
    "$summary" "state-$1-$2-$3.json" || fail "run $3 of $1 -> $2 left no summary"
}

# check_pipeline TAP TARGET OUTPUT-FILE IDS1 IDS2 IDS3: three runs, with rows 4-5 and 6-8 added
# before the second and third; the ids the target received in each run.
check_pipeline() {
  local tap=$1 target=$2 output=$3
  rm -f project/rows.csv
  write_rows project/rows.csv 1 3
  local run first=(1 4 6) last=(3 5 8) expected=("$4" "$5" "$6")
  for run in 1 2 3; do
    ((run > 1)) && write_rows project/rows.csv "${first[run - 1]}" "${last[run - 1]}"
    rm -f "$output"  # what the target writes in this run only
    run_pipeline "$tap" "$target" $run
    local got
    got=$(ids_in "$output")
    expect_equal "$got" "${expected[run - 1]}" "$tap -> $target run $run: the rows read"
    expect_plain_state "state-$tap-$target-$run.json" "$tap -> $target run $run"
    expect_equal "$(json_get "state-$tap-$target-$run.json" 'd["bookmarks"]["rows"]["replication_key_value"]')" \
      "${last[run - 1]}" "$tap -> $target run $run: the bookmark"
    local summary="summary-$tap-$target-$run.json"
    if ((run == 1)); then
      expect_equal "$(json_get "$summary" '"--state" in d["tap_args"]')" False "$tap run 1 has no state to resume"
    else
      expect_equal "$(json_get "$summary" '"--state" in d["tap_args"]')" True "$tap run $run resumes with --state"
    fi
    expect_equal "$(json_get "$summary" '"--catalog" in d["tap_args"]')" True "$tap gets the discovered catalog"
  done
  # The state store itself holds the value, never a message around it.
  expect_plain_state <(python3 -c "import json,sys; print(json.dumps(json.load(open(sys.argv[1]))['singer_state']))" \
    "project/.meltano/state/dev:$tap-to-$target.json") "$tap -> $target stored state"
}

# tap-csv reads rows from its bookmark on (>=, so the row at the bookmark comes again, as the
# Meltano SDK's incremental streams do); tap-rows reads rows after its bookmark (>).
check_pipeline tap-csv target-rows project/singer-out/rows.jsonl 1,2,3 3,4,5 5,6,7,8
check_pipeline tap-rows target-jsonl project/chorus-out/rows.jsonl 1,2,3 4,5 6,7,8
check_pipeline tap-csv target-jsonl project/chorus-out/rows.jsonl 1,2,3 3,4,5 5,6,7,8
finish
