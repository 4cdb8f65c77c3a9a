#!/usr/bin/env bash
# tap-csv -> target-postgres as three `chorus run --partition K/3` processes started at the same
# time: the files a stream's glob matches are dealt to the slices by a hash of their paths, each
# slice reads exactly the whole files dealt to it (a slice dealt no file of a stream succeeds),
# and after --finalize the target equals the files; a second sync after a file was removed, one
# changed and one added retires the rows of the removed file. The target's once-only work waits
# for --finalize: no slice grants read access or runs ANALYZE, the final step does both. Streams
# with a replication key or without keys are refused with the reason.
source "$(dirname "$0")/lib.sh"

throwaway_database chorus_csv_part; target_db=$LAST_DATABASE
reader="chorus_reader_$$_$RANDOM"
psql_in "$PG_ADMIN_DB" "CREATE ROLE \"$reader\" NOLOGIN" >/dev/null
trap 'cd /; cleanup; psql_in "$PG_ADMIN_DB" "DROP ROLE IF EXISTS \"$reader\"" >/dev/null' EXIT
mkdir data
# write_orders FILE FIRST COUNT [LABEL]: COUNT orders from id FIRST.
write_orders() {
  python3 - "$@" <<'PY'
import sys
path, first, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
label = sys.argv[4] if len(sys.argv) > 4 else "order"
with open(path, "w") as out:
    out.write("id,name,amount\n")
    for i in range(first, first + count):
        out.write(f"{i},{label} {i},{i * 0.25:.2f}\n")
PY
}
for n in 1 2 3 4 5 6 7 8 9; do write_orders data/orders-0$n.csv $((n * 10000)) $((500 + n * 250)); done
printf 'id,name\n1,Ada\n2,Grace\n' >data/customers.csv
printf 'id,at\n1,2024-01-01\n' >data/events.csv
printf 'note\nfirst\n' >data/notes.csv

pipeline() {  # FILE FILES-ENTRIES
  cat >"$1" <<YAML
name: ${1%.yml}-$$
state: ${1%.yml}.json
tap:
  plugin: tap-csv
  config: {files: [$2], state_every: 1000}
target:
  plugin: target-postgres
  config: {$(connection_yaml "$target_db"), batch_size_rows: 2000, hard_delete: true,
    grants: {public: ["$reader"]}}
YAML
}
pipeline pipeline.yml '{entity: orders, path: "data/orders-*.csv", keys: [id]},
  {entity: customers, path: data/customers.csv, keys: [id]}'

# The files of data/orders-*.csv slice K of N reads: FNV-1a (64 bits) of the path, mod N = K-1.
dealt_files() {  # K N
  python3 - "$1" "$2" <<'PY'
import glob, sys
k, n = int(sys.argv[1]), int(sys.argv[2])
def fnv1a(text):
    h = 14695981039346656037
    for byte in text.encode():
        h = ((h ^ byte) * 1099511628211) % 2**64
    return h
print(" ".join(p for p in sorted(glob.glob("data/orders-*.csv")) if fnv1a(p) % n == k - 1))
PY
}
data_rows() {  # FILE...: rows without the headers
  local total=0 file
  for file in "$@"; do total=$((total + $(wc -l <"$file") - 1)); done
  echo "$total"
}

same_as_files() {  # WHAT
  tail -q -n +2 data/orders-*.csv | sort -t, -k1,1n >source_orders.txt
  psql_in "$target_db" "SELECT id || ',' || name || ',' || to_char(amount, 'FM999999990.00') FROM public.orders ORDER BY id" >target_orders.txt
  if cmp -s source_orders.txt target_orders.txt; then
    echo "ok: $1: orders equals the files ($(wc -l <source_orders.txt) rows)"
  else
    fail "$1: orders differs from the files ($(wc -l <source_orders.txt) rows in the files, $(wc -l <target_orders.txt) in the target)"
    diff source_orders.txt target_orders.txt | head -6 >&2
  fi
  expect_equal "$(psql_in "$target_db" "SELECT string_agg(id || ' ' || name, ',' ORDER BY id) FROM public.customers")" \
    "1 Ada,2 Grace" "$1: customers, read by the one slice its file is dealt to"
}

sync_in_slices() {  # ROUND
  local k total=0 mine
  run_slices "$1" 3
  local files_in_all=$(ls data/orders-*.csv | wc -l)
  for k in 1 2 3; do
    mine=$(dealt_files $k 3)
    local count=$(wc -w <<<"$mine") customers=0
    expect_contains "$1-$k.err" "stream 'orders': slice $k of 3 reads $count of the $files_in_all files${mine:+: ${mine// /, }}" \
      "$1: slice $k/3 names the files dealt to it"
    grep -qF "stream 'customers': slice $k of 3 reads 1 of the 1 files" "$1-$k.err" && customers=2
    expect_equal "$(records_read "$1-$k.err")" "$(($(data_rows $mine) + customers))" \
      "$1: slice $k/3 read exactly the rows of its files"
    total=$((total + $(records_read "$1-$k.err")))
  done
  expect_equal "$total" "$(($(data_rows data/orders-*.csv) + 2))" "$1: the slices together read every row once"
}

# The reader's privileges on the loaded tables, and when orders was last analyzed by hand.
reader_grants() {
  psql_in "$target_db" "SELECT coalesce(string_agg(table_name || ':' || privilege_type, ',' ORDER BY table_name), 'none')
    FROM information_schema.role_table_grants WHERE grantee = '$reader'"
}
last_analyze() {
  psql_in "$target_db" "SELECT coalesce(last_analyze::text, 'never') FROM pg_stat_user_tables WHERE relid = 'public.orders'::regclass"
}

sync_in_slices first
expect_equal "$(reader_grants)" none "before --finalize no slice granted read access"
expect_equal "$(last_analyze)" never "before --finalize no slice analyzed orders"
expect_exit 0 "--finalize of the first sync" -- "$CHORUS" run --pipeline pipeline.yml --finalize
expect_contains err "finalized" "finalize says the sync is closed"
same_as_files "first sync, 3 slices"
expect_equal "$(reader_grants)" "customers:SELECT,orders:SELECT" "--finalize granted read access on the tables"
first_analyze=$(last_analyze)
[[ $first_analyze != never ]] || fail "--finalize did not analyze orders"
expect_equal "$(psql_in "$target_db" "SELECT reltuples::bigint FROM pg_class WHERE oid = 'public.orders'::regclass")" \
  "$(data_rows data/orders-*.csv)" "the statistics --finalize gathered count every row of orders"

rm data/orders-04.csv
write_orders data/orders-02.csv 20000 800 changed
write_orders data/orders-10.csv 100000 1200
sync_in_slices second
expect_equal "$(last_analyze)" "$first_analyze" "the second sync's slices did not analyze orders"
expect_equal "$(psql_in "$target_db" "SELECT count(*) FROM public.orders WHERE id BETWEEN 40000 AND 49999")" \
  1500 "before --finalize the rows of the removed file are still served"
expect_exit 0 "--finalize of the second sync" -- "$CHORUS" run --pipeline pipeline.yml --finalize
same_as_files "second sync, a file removed, one changed and one added"
[[ $(last_analyze) > $first_analyze ]] || fail "the second --finalize did not analyze orders again ($(last_analyze))"

# What cannot be split is refused, naming the stream and the reason.
pipeline refused.yml '{entity: events, path: data/events.csv, keys: [id], replication_key: at},
  {entity: notes, path: data/notes.csv}'
expect_exit 1 "a slice of an INCREMENTAL stream" -- "$CHORUS" run --pipeline refused.yml --select events --partition 1/2
expect_contains err "stream 'events' is INCREMENTAL: a partitioned run splits FULL_TABLE streams only" \
  "the INCREMENTAL slice is refused with the reason"
expect_exit 1 "a slice of a stream without keys" -- "$CHORUS" run --pipeline refused.yml --select notes --partition 1/2
expect_contains err "stream 'notes' has no primary key, so its slices cannot be told apart or resumed" \
  "the key-less slice is refused with the reason"
finish
