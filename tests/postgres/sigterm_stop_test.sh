#!/usr/bin/env bash
# SIGTERM in the middle of a 1M-row table: the tap stops between batches instead of reading the
# table to its end, its last STATE is true for what was loaded (every key up to the state's
# last_pk_fetched is in the destination), `chorus run` exits 143, and the next run resumes
# after that key and completes the table exactly.
source "$(dirname "$0")/lib.sh"

throwaway_database chorus_stop_src; source_db=$LAST_DATABASE
throwaway_database chorus_stop_dst; target_db=$LAST_DATABASE
rows=1000000
psql_in "$source_db" "
  CREATE TABLE items (id bigint PRIMARY KEY, name text, amount numeric(12,2));
  INSERT INTO items SELECT g, 'item ' || g, g * 1.25 FROM generate_series(1, $rows) g;" >/dev/null

cat >pipeline.yml <<YAML
name: sigterm-stop
state: state.json
tap:
  plugin: tap-postgres
  config: {$(connection_yaml "$source_db"), state_every: 5000}
  select: ["public-items"]
target:
  plugin: target-postgres
  config: {$(connection_yaml "$target_db"), batch_size_rows: 20000, hard_delete: true}
YAML

"$CHORUS" run --pipeline pipeline.yml 2>run.err &
pid=$!
# SIGTERM once the first batch is committed, long before the table's end.
for _ in $(seq 1 600); do
  (($(loaded_rows "$target_db" items) > 0)) && break
  kill -0 $pid 2>/dev/null || break
  sleep 0.05
done
stop_sent=$(date +%s.%N)
kill -TERM $pid
wait $pid
status=$?
stopped=$(date +%s.%N)
echo "stopped $(python3 -c "print(f'{$stopped - $stop_sent:.2f}')") s after SIGTERM with $(loaded_rows "$target_db" items) of $rows rows loaded"
expect_equal "$status" 143 "exit status of the run stopped by SIGTERM"
expect_contains run.err "stopped after" "the tap's log line about the stop"
loaded=$(loaded_rows "$target_db" items)
((loaded < rows)) || fail "the run read the whole table despite the SIGTERM ($loaded rows)"

# The state covers only what was loaded.
last_key=$(json_get state.json "d['bookmarks']['public-items']['last_pk_fetched']['id']")
max_loaded=$(psql_in "$target_db" "SELECT max(id) FROM public.items")
contiguous=$(psql_in "$target_db" "SELECT count(*) FROM public.items WHERE id <= $last_key")
expect_equal "$contiguous" "$last_key" "destination rows up to the state's last key"
((max_loaded >= last_key)) || fail "the state's key $last_key is past the loaded rows ($max_loaded)"
version=$(json_get state.json "d['bookmarks']['public-items']['version']")

"$CHORUS" run --pipeline pipeline.yml 2>resume.err
expect_equal "$?" 0 "exit status of the resumed run"
expect_contains resume.err "resuming the full-table sync after key" "the resumed run's log"
expect_equal "$(json_get state.json "d['bookmarks']['public-items'].get('last_pk_fetched')")" None \
  "last_pk_fetched after the completed sync"
expect_equal "$(json_get state.json "d['bookmarks']['public-items']['version']")" "$version" \
  "the table version kept across the resume"
digest="SELECT count(*), count(DISTINCT id), md5(string_agg(concat_ws('|', id, name, amount), ','
  ORDER BY id)) FROM public.items"
expect_equal "$(psql_in "$target_db" "$digest")" "$(psql_in "$source_db" "$digest")" \
  "destination vs source after the resume"
expect_equal "$(psql_in "$target_db" "SELECT count(DISTINCT _sdc_table_version) FROM public.items")" \
  1 "table versions in the destination"
finish
