#!/usr/bin/env bash
# `chorus run` with Singer programs at either end, three runs each, resuming from the state file:
# tap-csv -> a Singer target that prints bare state values (stored, then resumed from), and a
# Singer tap -> target-jsonl.
source "$(dirname "$0")/lib.sh"

echo '{"files": [{"entity": "rows", "path": "rows.csv", "keys": ["id"], "replication_key": "id"}]}' >tap-csv.json
echo '{"path": "rows.csv"}' >tap-rows.json
echo '{"destination_path": "singer-out"}' >target-rows.json
echo '{"destination_path": "chorus-out"}' >target-jsonl.json

# check_runs TAP TARGET OUTPUT-FILE IDS1 IDS2 IDS3: three runs with rows 4-5 and 6-8 added
# before the second and third; the ids the target received in each.
check_runs() {
  local tap=$1 target=$2 output=$3 state="state-$1-$2.json"
  rm -f rows.csv "$state"
  write_rows rows.csv 1 3
  local run first=(1 4 6) last=(3 5 8) expected=("$4" "$5" "$6")
  for run in 1 2 3; do
    ((run > 1)) && write_rows rows.csv "${first[run - 1]}" "${last[run - 1]}"
    rm -f "$output"
    expect_exit 0 "$tap -> $target run $run" -- "$CHORUS" run "$tap" "$target" \
      --config "$tap=$tap.json" --config "$target=$target.json" --state "$state"
    expect_not_contains err "other than a STATE message" "$tap -> $target run $run: no state line is dropped"
    expect_equal "$(ids_in "$output")" "${expected[run - 1]}" "$tap -> $target run $run: the rows read"
    expect_plain_state "$state" "$tap -> $target run $run"
    expect_equal "$(json_get "$state" 'd["bookmarks"]["rows"]["replication_key_value"]')" \
      "${last[run - 1]}" "$tap -> $target run $run: the stored bookmark"
  done
}

check_runs tap-csv target-rows singer-out/rows.jsonl 1,2,3 3,4,5 5,6,7,8
check_runs tap-rows target-jsonl chorus-out/rows.jsonl 1,2,3 4,5 6,7,8
finish
