#!/usr/bin/env bash
# Kill campaign: tap-postgres -> target-postgres, once per replication method, SIGKILLed at
# random instants with the source changing between runs, resumed each time, then run to the
# end; the destination must equal the source exactly (row count, distinct keys, the list of
# keys, an md5 over every column in key order).
#
#   KILL_CAMPAIGN_ROWS   rows in the source table (default 100000)
#   KILL_CAMPAIGN_KILLS  SIGKILLs per method (default 3; LOG_BASED twice as many: in its copy
#                        and in its replay)
#   KILL_CAMPAIGN_MODES  methods to run (default "INCREMENTAL FULL_TABLE LOG_BASED")
#   KILL_CAMPAIGN_MAX_DELAY  a kill lands 0.2..this many seconds into a run (default 2)
#   KILL_CAMPAIGN_REPLAY_SHARE  LOG_BASED replay rounds update 1/this of the rows (default 4)
#
# Per method:
# - INCREMENTAL (by updated_at): inserts and updates between kills (deletes are invisible to
#   an incremental sync by design);
# - FULL_TABLE: inserts, updates and deletes between kills. The interrupted sync resumes after
#   the state's last key under the same table version, so when it completes, every row of the
#   destination carries that one version; rows changed behind the resume point arrive with the
#   next full sync, which the campaign runs before comparing;
# - LOG_BASED: the initial copy is killed and resumed, then runs replaying large change sets
#   (inserts, updates, deletes) from the slot are killed too (hard_delete removes deleted rows).
# Prints one line per kill and a summary line per method (runs, rows, the duration of each
# resumed run, lost and duplicated rows).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

rows=${KILL_CAMPAIGN_ROWS:-100000}
kills=${KILL_CAMPAIGN_KILLS:-3}
modes=${KILL_CAMPAIGN_MODES:-INCREMENTAL FULL_TABLE LOG_BASED}
max_delay=${KILL_CAMPAIGN_MAX_DELAY:-2}
replay_share=${KILL_CAMPAIGN_REPLAY_SHARE:-4}
state_every=$((rows / 50 > 1000 ? rows / 50 : 1000))
digest="SELECT count(*), count(DISTINCT id), md5(string_agg(concat_ws('|', id, name, amount,
  updated_at), ',' ORDER BY id)) FROM public.items"

# A random delay in 0.2..max_delay seconds.
random_delay() {
  python3 -c "import random, sys; print(round(random.uniform(0.2, float(sys.argv[1])), 2))" "$max_delay"
}

# The source changes between runs; $1 is the kill number, so every round touches other rows.
# Every round's replication key values lie after the previous round's, as a clock's would: an
# incremental sync cannot see a row written with a value behind its bookmark.
change_source() {
  local round=$1 next
  next=$(psql_in "$source_db" "SELECT max(id) FROM items")
  psql_in "$source_db" "
    INSERT INTO items SELECT g, 'late ' || g, g * 0.5,
      '2030-01-01 00:00:00+00'::timestamptz + $round * interval '1 day' + g * interval '1 millisecond'
      FROM generate_series($next + 1, $next + $((rows / 100))) g;
    UPDATE items SET name = 'changed in round $round', amount = amount + $round,
      updated_at = '2030-01-01 12:00:00+00'::timestamptz + $round * interval '1 day' + id * interval '1 microsecond'
      WHERE id % 97 = $round;" >/dev/null
  if [[ $mode != INCREMENTAL ]]; then
    psql_in "$source_db" "DELETE FROM items WHERE id % 101 = $round" >/dev/null
  fi
}

write_pipeline() {
  cat >pipeline.yml <<YAML
name: kill-campaign
state: state.json
tap:
  plugin: tap-postgres
  config: {$(connection_yaml "$source_db"), state_every: $state_every,
    replication_slot: "${source_db}_slot",
    replication: {public-items: {method: $mode, replication_key: updated_at}}}
  select: ["public-items"]
target:
  plugin: target-postgres
  config: {$(connection_yaml "$target_db"), batch_size_rows: $((state_every * 2)), hard_delete: true}
YAML
}

# Runs the pipeline once; with a delay, SIGKILLs it that many seconds in. Appends the run's
# duration to `durations`; sets `finished` when the run ended by itself.
durations=()
run_once() {
  local delay=${1:-} started ended pid status
  started=$(date +%s.%N)
  "$CHORUS" run --pipeline pipeline.yml 2>>run.err &
  pid=$!
  finished=0
  [[ -z $delay ]] || sleep "$delay"
  if [[ -n $delay ]] && kill -0 $pid 2>/dev/null; then
    kill -KILL $pid
    wait $pid 2>/dev/null
  else
    wait $pid
    status=$?
    finished=1
    if ((status != 0)); then
      fail "$mode: a run ended with exit $status"
      tail -20 run.err | sed 's/^/  | /' >&2
    fi
  fi
  ended=$(date +%s.%N)
  durations+=("$(python3 -c "print(f'{$ended - $started:.1f}')")")
  expect_state_whole state.json "$mode, after a run"
}

campaign() {
  mode=$1
  throwaway_database chorus_campaign_src; source_db=$LAST_DATABASE
  throwaway_database chorus_campaign_dst; target_db=$LAST_DATABASE
  psql_in "$source_db" "
    CREATE TABLE items (id bigint PRIMARY KEY, name text, amount numeric(12,2),
      updated_at timestamptz NOT NULL);
    INSERT INTO items SELECT g, 'item ' || g, g * 1.25,
      '2024-01-01 00:00:00+00'::timestamptz + g * interval '1 second'
      FROM generate_series(1, $rows) g;
    -- As a replication key usually is: the incremental read then streams in index order.
    CREATE INDEX items_updated_at ON items (updated_at);" >/dev/null
  rm -f state.json run.err
  write_pipeline
  durations=()
  local kill runs=0 versions
  for kill in $(seq 1 "$kills"); do
    run_once "$(random_delay)"
    runs=$((runs + 1))
    echo "$mode kill $kill after ${durations[-1]}s$( ((finished)) && echo " (the run had ended)"):" \
      "target holds $(loaded_rows "$target_db" items) rows; state $( [[ -e state.json ]] &&
        python3 -c "import json; print(json.dumps(json.load(open('state.json'))['bookmarks']))" ||
        echo absent)"
    # FULL_TABLE: the source stays put until the interrupted sync is complete, so that its
    # single version can be checked; the others change between every two runs.
    [[ $mode == FULL_TABLE ]] || change_source "$kill"
  done
  run_once
  runs=$((runs + 1))
  if [[ $mode == FULL_TABLE ]]; then
    versions=$(psql_in "$target_db" "SELECT count(DISTINCT _sdc_table_version) FROM public.items")
    expect_equal "$versions" 1 "$mode: table versions in the destination after the resumed sync"
    expect_equal "$(psql_in "$target_db" "$digest")" "$(psql_in "$source_db" "$digest")" \
      "$mode: destination after the resumed sync vs source"
    change_source 1
    run_once
    runs=$((runs + 1))
  elif [[ $mode == LOG_BASED ]]; then
    # The copy is complete now; then kills land while large change sets are replayed from the
    # slot (each round updates 1/replay_share of the rows in five transactions).
    local part
    for kill in $(seq 1 "$kills"); do
      for part in 0 1 2 3 4; do
        psql_in "$source_db" "UPDATE items SET name = 'replayed in round $kill', amount = amount + 1
          WHERE id % $replay_share = $((kill % replay_share)) AND id % 5 = $part" >/dev/null
      done
      change_source "$((kill + kills))"
      run_once "$(random_delay)"
      runs=$((runs + 1))
      echo "$mode replay kill $kill after ${durations[-1]}s$( ((finished)) && echo " (the run had ended)"):" \
        "state $(python3 -c "import json; print(json.dumps(json.load(open('state.json'))['bookmarks']))")"
    done
    run_once
    runs=$((runs + 1))
  fi

  local source_digest target_digest lost extra
  psql_in "$source_db" "COPY (SELECT id FROM items ORDER BY id::text) TO STDOUT" >source.ids
  psql_in "$target_db" "COPY (SELECT id FROM public.items ORDER BY id::text) TO STDOUT" >target.ids
  lost=$(comm -23 source.ids target.ids | wc -l)
  extra=$(comm -13 source.ids target.ids | wc -l)
  source_digest=$(psql_in "$source_db" "$digest")
  target_digest=$(psql_in "$target_db" "$digest" 2>&1)
  local target_count=${target_digest%%|*} rest=${target_digest#*|}
  local duplicated=$((target_count - ${rest%%|*}))
  expect_equal "$lost" 0 "$mode: source rows missing in the destination"
  expect_equal "$extra" 0 "$mode: destination rows the source does not have"
  expect_equal "$target_digest" "$source_digest" \
    "$mode: destination (count|distinct ids|md5 of the rows) vs source"
  echo "$mode: $kills kills, $runs runs, ${source_digest%%|*} rows; run durations (s): ${durations[*]};" \
    "lost $lost, duplicated $duplicated, extra $extra, digest $( [[ $target_digest == "$source_digest" ]] && echo equal || echo DIFFERENT)"
  if grep -q "is active for PID" run.err; then fail "$mode: a resume met a busy replication slot"; fi
  grep -h "terminating it" run.err | sed 's/^/  note: /' | head -3
}

for mode in $modes; do campaign "$mode"; done
finish
