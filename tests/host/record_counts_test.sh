#!/usr/bin/env bash
# The host counts the RECORDs the tap emitted and those the target committed, per stream, prints
# both at the end, keeps them in the state file, tells a mapper's filter from a loss, and fails a
# run whose target did not confirm everything it was sent.
source "$(dirname "$0")/lib.sh"

last_line() { tail -n 1 "$1"; }

expect_exit 0 "a clean run" -- "$CHORUS" run tap-fixture target-fixture \
  --config 'tap-fixture={"records": 40, "state_every": 7}' --config 'target-fixture={"path":"o.jsonl"}' --state s.json
expect_contains err "stream items: 40 read, 40 committed" "per-stream read and committed"
last_line err >last
expect_contains last "run succeeded: 40 records read, 40 committed" "the last line says the run succeeded"
expect_contains last "items: 40 read, 40 committed" "the last line carries the per-stream counts"
expect_equal "$(json_get s.json "d['chorus_record_counts']['items']['committed']")" 40 "committed count in the state file"
expect_equal "$(json_get s.json "d['bookmarks']['items']['last_id']")" 40 "bookmarks kept beside the counts"

expect_exit 0 "a resumed run" -- "$CHORUS" run tap-fixture target-fixture \
  --config 'tap-fixture={"records": 55, "state_every": 7}' --config 'target-fixture={"path":"o.jsonl"}' --state s.json
expect_contains err "stream items: 15 read, 15 committed" "the resumed run counts only its own records"
expect_equal "$(json_get s.json "d['chorus_record_counts']['items']['committed']")" 55 "committed count over both runs"
expect_equal "$(json_get s.json "d['chorus_record_counts']['items']['last_run']['committed']")" 15 "this run's committed count"

# A mapper that drops the records with an odd id: a filter, not a loss.
cat >even-only <<'SH'
#!/usr/bin/env bash
while IFS= read -r line; do
  if [[ $line == *'"RECORD"'* ]]; then
    id=${line##*\"id\":}; id=${id%%[,\}]*}
    ((id % 2)) && continue
  fi
  printf '%s\n' "$line"
done
SH
chmod +x even-only
expect_exit 0 "a filtering mapper" -- "$CHORUS" run tap-fixture ./even-only target-fixture \
  --config 'tap-fixture={"records": 10, "state_every": 4}' --config 'target-fixture={"path":"o2.jsonl"}'
expect_contains err "stream items: 10 read, 5 reached the target, 5 committed" "what the mapper removed is shown"
expect_equal "$(wc -l <o2.jsonl)" 5 "the mapper's records loaded"

# A target that exits 0 but confirms only its first STATE: the rest is not known committed.
cat >forgetful-target <<'SH'
#!/usr/bin/env bash
confirmed=0
while IFS= read -r line; do
  if [[ $line == *'"STATE"'* ]] && ((!confirmed)); then printf '%s\n' "$line"; confirmed=1; fi
done
SH
chmod +x forgetful-target
expect_exit 1 "a target that does not confirm the last STATE" -- "$CHORUS" run tap-fixture ./forgetful-target \
  --config 'tap-fixture={"records": 20, "state_every": 5}' --state s2.json
last_line err >last
expect_contains last "run failed: target 'forgetful-target' ended without confirming the last STATE it received" "the mismatch fails the run"
expect_contains last "stream items: 20 records before that STATE, 5 confirmed committed" "the mismatch names the stream and the counts"
expect_contains last "items: 20 read, 5 committed" "the last line carries the counts"
expect_equal "$(json_get s2.json "d['chorus_record_counts']['items']['committed']")" 5 "the state file holds what was confirmed"

# A failed run says so last, with what was committed, and no throughput.
expect_exit 1 "a failing tap" -- "$CHORUS" run tap-fixture target-fixture \
  --config 'tap-fixture={"records": 100, "fail_after": 30, "state_every": 10}' --config 'target-fixture={"path":"o3.jsonl"}'
last_line err >last
expect_contains last "run failed: plugin 'tap-fixture' failed in run: fixture failure after 30 records" "the last line names the cause"
expect_contains last "items: 30 read, 30 committed" "what the failed run committed"
expect_not_contains err "records/s" "a failed run prints no throughput"
expect_not_contains err "run succeeded" "a failed run never says it succeeded"
finish
