#!/usr/bin/env bash
# A 200,000-row table synced by partitioned `chorus run --partition K/N` processes started at the
# same time, state in S3 and then in PostgreSQL: a second worker on a running slice is refused
# by its lock, a SIGKILLed slice resumes from its own bookmark, every slice reads only its share
# (the shares add up to the table, evenly split), and after --finalize the target equals the
# source, rows deleted at the source included. INCREMENTAL slices and early finalizing are
# refused. Two stream groups of one tap (--select globs, own states) run side by side.
source "$(dirname "$0")/lib.sh"
need_servers CHORUS_TEST_S3_ENDPOINT
export AWS_ENDPOINT_URL_S3=$CHORUS_TEST_S3_ENDPOINT AWS_REGION=${CHORUS_TEST_S3_REGION:-us-east-1}
export AWS_ACCESS_KEY_ID=$CHORUS_TEST_S3_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY=$CHORUS_TEST_S3_SECRET_ACCESS_KEY
export AWS_EC2_METADATA_DISABLED=true
gate=$(cd "$(dirname "$0")" && pwd)/gate_mapper.py
rows=200000
unique="$$_$RANDOM"

throwaway_database chorus_part_src; source_db=$LAST_DATABASE
throwaway_database chorus_part_dst; target_db=$LAST_DATABASE
psql_in "$source_db" "
  CREATE TABLE items (id bigint PRIMARY KEY, payload text NOT NULL, amount numeric(12,2));
  INSERT INTO items SELECT g, 'item ' || g, g * 0.25 FROM generate_series(1, $rows) g;
  CREATE TABLE events (id int PRIMARY KEY, at timestamptz NOT NULL);
  INSERT INTO events SELECT g, now() FROM generate_series(1, 10) g;
  CREATE TABLE notes_a (id int PRIMARY KEY, body text);
  INSERT INTO notes_a SELECT g, 'a ' || g FROM generate_series(1, 3000) g;
  CREATE TABLE notes_b (id int PRIMARY KEY, body text);
  INSERT INTO notes_b SELECT g, 'b ' || g FROM generate_series(1, 2000) g;" >/dev/null

background=()
trap 'for pid in "${background[@]}"; do kill -KILL "$pid" 2>/dev/null; done; cleanup' EXIT

pipeline() {  # STATE: the pipeline file every worker runs
  cat >pipeline.yml <<YAML
name: parted-$unique
state: $1
tap:
  plugin: tap-postgres
  config: {$(connection_yaml "$source_db"), state_every: 5000}
  select: ["public-items"]
mappers:
  - {executable: $gate}
target:
  plugin: target-postgres
  config: {$(connection_yaml "$target_db"), batch_size_rows: 5000, hard_delete: true}
YAML
}

# The last_pk_fetched id in slice state $1 ("" when none).
last_pk() {
  "$CHORUS" state get --state "$1" --stream public-items 2>/dev/null |
    python3 -c 'import json,sys; print((json.load(sys.stdin).get("last_pk_fetched") or {}).get("id", ""))' 2>/dev/null
}


same_as_source() {  # WHAT
  local query="SELECT count(*) || ' ' || md5(string_agg(id || ':' || payload || ':' || amount, ',' ORDER BY id)) FROM public.items"
  expect_equal "$(psql_in "$target_db" "$query")" "$(psql_in "$source_db" "$query")" "$1: target equals source"
}

# Round 1, state in S3: three slices at once; slice 1 is held at its gate while a second worker
# tries it, slice 2 is held and SIGKILLed after its first bookmarks, then resumed.
s3_state="s3://$CHORUS_TEST_S3_BUCKET/partitioned-$unique/items.json"
pipeline "$s3_state"

GATE_AFTER=100 GATE_FILE=release1 "$CHORUS" run --pipeline pipeline.yml --partition 1/3 >s1.out 2>s1.err &
p1=$!
GATE_AFTER=30000 GATE_FILE=never "$CHORUS" run --pipeline pipeline.yml --partition 2/3 >s2.out 2>s2.err &
p2=$!
GATE_AFTER=-1 "$CHORUS" run --pipeline pipeline.yml --partition 3/3 >s3.out 2>s3.err &
p3=$!
background+=("$p1" "$p2" "$p3")

slice2="s3://$CHORUS_TEST_S3_BUCKET/partitioned-$unique/items.slice-2-of-3.json"
until=$((SECONDS + 180))
while ((SECONDS < until)) && [[ -z $(last_pk "$slice2") ]]; do sleep 0.2; done
[[ -n $(last_pk "$slice2") ]] || fail "slice 2 never stored a bookmark"
kill -KILL "$p2"
wait "$p2" 2>/dev/null
killed_at=$(last_pk "$slice2")
echo "slice 2 killed after key $killed_at"

GATE_AFTER=-1 expect_exit 1 "a second worker on running slice 1" -- "$CHORUS" run --pipeline pipeline.yml --partition 1/3
expect_contains err "is in use by chorus run parted-$unique --partition 1/3 (pid $p1" "the second worker is refused naming the first"
expect_exit 1 "--finalize while slices are unfinished" -- "$CHORUS" run --pipeline pipeline.yml --finalize
expect_contains err "is in use by chorus run parted-$unique" "finalize is refused while slice 1 runs"

touch release1
wait "$p1" || fail "slice 1 failed: $(tail -3 s1.err)"
wait "$p3" || fail "slice 3 failed: $(tail -3 s3.err)"
expect_exit 1 "--finalize with slice 2 unfinished" -- "$CHORUS" run --pipeline pipeline.yml --finalize
expect_contains err "slices not finished (2/3: public-items)" "finalize names the unfinished slice and stream"
# The first to look at slice 2 after its SIGKILL (this check) takes over the lock it left.
expect_contains err "taking over the lock left by chorus run parted-$unique --partition 2/3 (pid $p2" \
  "the lock of the killed slice is taken over, naming it"

GATE_AFTER=-1 expect_exit 0 "slice 2 resumed after its SIGKILL" -- "$CHORUS" run --pipeline pipeline.yml --partition 2/3
expect_contains err "resuming the full-table sync after key {\"id\":\"$killed_at\"}" "slice 2 resumes after its own bookmark"
expect_exit 0 "--finalize after every slice" -- "$CHORUS" run --pipeline pipeline.yml --finalize
expect_contains err "finalized" "finalize says the sync is closed"
same_as_source "S3 state, 3 slices, one killed and resumed"
for k in 1 3; do
  read_k=$(records_read s$k.err)
  ((read_k > rows / 3 * 9 / 10 && read_k < rows / 3 * 11 / 10)) ||
    fail "slice $k read $read_k rows, not about a third of $rows"
done

# Round 2, state in PostgreSQL, four slices at once, after rows were deleted and changed at the
# source: the finalize step retires the deleted rows.
psql_in "$source_db" "DELETE FROM items WHERE id % 100 = 7; UPDATE items SET payload = 'changed ' || id WHERE id % 1000 = 3" >/dev/null
pipeline "postgresql://$CHORUS_TEST_PG_USER:$CHORUS_TEST_PG_PASSWORD@$CHORUS_TEST_PG_HOST:$CHORUS_TEST_PG_PORT/${CHORUS_TEST_PG_DBNAME:-postgres}?state_id=parted-$unique&sslmode=disable"
pids=()
for k in 1 2 3 4; do
  GATE_AFTER=-1 "$CHORUS" run --pipeline pipeline.yml --partition $k/4 >p$k.out 2>p$k.err &
  pids+=($!)
  background+=($!)
done
total=0
for k in 1 2 3 4; do
  wait "${pids[k - 1]}" || fail "slice $k/4 failed: $(tail -3 p$k.err)"
  read_k=$(records_read p$k.err)
  echo "slice $k/4 read $read_k rows"
  total=$((total + ${read_k:-0}))
  source_rows=$(psql_in "$source_db" "SELECT count(*) FROM items")
  ((read_k > source_rows / 4 * 9 / 10 && read_k < source_rows / 4 * 11 / 10)) ||
    fail "slice $k/4 read $read_k rows, not about a quarter of $source_rows"
done
expect_equal "$total" "$(psql_in "$source_db" "SELECT count(*) FROM items")" "the four slices together read each row once"
expect_exit 0 "--finalize of the PostgreSQL-state sync" -- "$CHORUS" run --pipeline pipeline.yml --finalize
same_as_source "PostgreSQL state, 4 slices, rows deleted and changed at the source"
expect_exit 1 "a second --finalize" -- "$CHORUS" run --pipeline pipeline.yml --finalize
expect_contains err "finalized already" "a finalized sync is not finalized twice"

# What cannot be split is refused, naming the stream.
cat >incremental.yml <<YAML
name: events-$unique
state: events.json
tap:
  plugin: tap-postgres
  config: {$(connection_yaml "$source_db"), replication: {public-events: {method: INCREMENTAL, replication_key: at}}}
  select: ["public-events"]
target:
  plugin: target-postgres
  config: {$(connection_yaml "$target_db")}
YAML
expect_exit 1 "a slice of an INCREMENTAL stream" -- "$CHORUS" run --pipeline incremental.yml --partition 1/2
expect_contains err "stream 'public-events' is INCREMENTAL: a partitioned run splits FULL_TABLE streams only" \
  "the INCREMENTAL slice is refused with the reason"
expect_exit 1 "a partition that is not K/N" -- "$CHORUS" run --pipeline incremental.yml --partition 3/2
expect_contains err "give K/N" "a bad --partition is named"

# Stream groups: two pipelines of one tap, each with its own --select glob and state, run at
# the same time without touching each other's streams or bookmarks.
cat >group.yml <<YAML
name: groups-$unique
tap:
  plugin: tap-postgres
  config: {$(connection_yaml "$source_db")}
target:
  plugin: target-postgres
  config: {$(connection_yaml "$target_db")}
YAML
"$CHORUS" run --pipeline group.yml --select 'public-notes_a*' --state group-a.json >ga.out 2>ga.err &
ga=$!
"$CHORUS" run --pipeline group.yml --select 'public-events' --select 'public-notes_b' --state group-b.json >gb.out 2>gb.err &
gb=$!
background+=("$ga" "$gb")
wait "$ga" || fail "stream group a failed: $(tail -3 ga.err)"
wait "$gb" || fail "stream group b failed: $(tail -3 gb.err)"
expect_equal "$(json_get group-a.json "sorted(d['bookmarks'])")" "['public-notes_a']" "group a's state holds its stream only"
expect_equal "$(json_get group-b.json "sorted(d['bookmarks'])")" "['public-events', 'public-notes_b']" "group b's state holds its streams only"
expect_equal "$(psql_in "$target_db" "SELECT (SELECT count(*) FROM public.notes_a) || ' ' || (SELECT count(*) FROM public.notes_b) || ' ' || (SELECT count(*) FROM public.events)")" \
  "3000 2000 10" "both groups loaded their tables"
expect_exit 1 "a group whose glob matches nothing" -- "$CHORUS" run --pipeline group.yml --select 'public-nothing*' --state group-c.json
finish
