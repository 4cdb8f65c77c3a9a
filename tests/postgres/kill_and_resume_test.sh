#!/usr/bin/env bash
# tap-postgres -> target-postgres killed with SIGKILL several times mid-load, with the source
# changing between runs, then run to the end: the target equals the source exactly (no lost
# row, no duplicate, every update applied) and the state file is never torn.
source "$(dirname "$0")/lib.sh"

throwaway_database chorus_kill_src; source_db=$LAST_DATABASE
throwaway_database chorus_kill_dst; target_db=$LAST_DATABASE

# orders: incremental by updated_at; customers: full table, reloaded whole on every run.
psql_in "$source_db" "
  CREATE TABLE orders (id bigint PRIMARY KEY, customer text NOT NULL, amount numeric(12,2),
    status text, updated_at timestamptz NOT NULL);
  INSERT INTO orders SELECT g, 'customer ' || (g % 997), g * 1.25, 'new',
    '2024-01-01 00:00:00+00'::timestamptz + g * interval '1 second'
    FROM generate_series(1, 200000) g;
  CREATE TABLE customers (id int PRIMARY KEY, name text, tier int);
  INSERT INTO customers SELECT g, 'name ' || g, g % 5 FROM generate_series(1, 2000) g;" >/dev/null

cat >pipeline.yml <<YAML
name: kill-and-resume
state: state.json
tap:
  plugin: tap-postgres
  config: {$(connection_yaml "$source_db"), state_every: 2000,
    replication: {public-orders: {method: INCREMENTAL, replication_key: updated_at}}}
  select: ["public-orders", "public-customers"]
target:
  plugin: target-postgres
  config: {$(connection_yaml "$target_db"), batch_size_rows: 5000, hard_delete: true}
YAML

# run_and_kill WHEN: starts the pipeline and SIGKILLs it once the target holds more than WHEN
# order rows ("after:SECONDS" kills on a clock instead, before anything may be loaded).
run_and_kill() {
  "$CHORUS" run --pipeline pipeline.yml 2>"run.err" &
  local pid=$! i
  if [[ $1 == after:* ]]; then
    sleep "${1#after:}"
  else
    for i in $(seq 1 1200); do
      (($(loaded_rows "$target_db" orders) > $1)) && break
      kill -0 $pid 2>/dev/null || break
      sleep 0.05
    done
  fi
  if kill -0 $pid 2>/dev/null; then
    kill -KILL $pid
    wait $pid 2>/dev/null
    echo "killed at $1: target holds $(loaded_rows "$target_db" orders) order rows, state file $( [[ -e state.json ]] && echo present || echo absent)"
  else
    wait $pid
    echo "note: the run ended (exit $?) before the kill at $1; target holds $(loaded_rows "$target_db" orders) rows"
  fi
  expect_state_whole state.json "after the kill at $1"
}

run_and_kill after:0.3
run_and_kill 20000
# Changes between runs: new rows, and updates that move old rows past the bookmark.
psql_in "$source_db" "
  INSERT INTO orders SELECT g, 'late ' || g, g * 0.5, 'new',
    '2025-01-01 00:00:00+00'::timestamptz + g * interval '1 second'
    FROM generate_series(200001, 203000) g;
  UPDATE orders SET status = 'shipped', amount = amount + 1,
    updated_at = '2025-02-01 00:00:00+00'::timestamptz + id * interval '1 millisecond'
    WHERE id % 1000 = 7;
  UPDATE customers SET tier = 9 WHERE id % 10 = 0;
  INSERT INTO customers VALUES (2001, 'new customer', 1);" >/dev/null
run_and_kill 60000
psql_in "$source_db" "
  UPDATE orders SET status = 'returned', customer = 'changed ' || id,
    updated_at = '2025-03-01 00:00:00+00'::timestamptz + id * interval '1 millisecond'
    WHERE id % 500 = 3 OR id = 1 OR id = 203000;
  DELETE FROM customers WHERE id BETWEEN 100 AND 109;" >/dev/null
run_and_kill 110000

"$CHORUS" run --pipeline pipeline.yml 2>run.err
status=$?
expect_equal "$status" 0 "the final run's exit status"
((status == 0)) || sed 's/^/  | /' run.err | tail -20 >&2
expect_state_whole state.json "after the final run"

orders_digest="SELECT count(*), count(DISTINCT id), md5(string_agg(concat_ws('|', id, customer,
  amount, status, updated_at), ',' ORDER BY id)) FROM public.orders"
customers_digest="SELECT count(*), count(DISTINCT id), md5(string_agg(concat_ws('|', id, name,
  tier), ',' ORDER BY id)) FROM public.customers"
source_orders=$(psql_in "$source_db" "$orders_digest")
expect_equal "${source_orders%%|*}" 203000 "source order count"
expect_equal "$(psql_in "$target_db" "$orders_digest" 2>&1)" "$source_orders" \
  "orders (count|distinct ids|md5 of the rows) in target vs source"
expect_equal "$(psql_in "$target_db" "$customers_digest" 2>&1)" \
  "$(psql_in "$source_db" "$customers_digest")" \
  "customers (count|distinct ids|md5 of the rows) in target vs source"

# Then one table per replication method, killed at random instants (kill_campaign.sh).
bash "$(dirname "$0")/kill_campaign.sh" || fail "the kill campaign found differences (above)"
finish
