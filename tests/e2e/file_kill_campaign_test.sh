#!/usr/bin/env bash
# A bounded kill campaign over the file pipelines (tap-csv into target-jsonl, target-csv and
# target-sqlite, and target-csv under --isolate with only its child killed): SIGKILL at random
# instants, resume after each, and the destination equals the source exactly, read back with
# Python's json, csv and sqlite3 modules. scripts/kill-campaign-files.sh does the work; its
# longer run (1M rows, 20 kills per mode) is quoted in the README.
source "$(dirname "$0")/lib.sh"
campaign="$(cd "$(dirname "$0")/../.." && pwd)/scripts/kill-campaign-files.sh"

expect_exit 0 "kill campaign" -- bash "$campaign" --rows 120000 --kills 4 --work "$WORK/campaign"
cat "$WORK/out"
for mode in jsonl csv sqlite isolate-csv; do
  expect_contains "$WORK/out" "mode=$mode rows=120000/120000 distinct=120000" "$mode converged"
done
expect_not_contains "$WORK/out" "MISMATCH" "every destination equals its source"
finish
