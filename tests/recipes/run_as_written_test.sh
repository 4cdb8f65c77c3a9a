#!/usr/bin/env bash
# The recipes of examples/scale-out run as written: the commands of the Kubernetes Jobs (the
# Indexed Job's slices at once, then the finalize Job) and of the Airflow DAG (its slice tasks
# at once, then its finalize task) are taken from the files and run as local processes
# (run_recipe.py) against the real PostgreSQL and s3rver, and the target table then equals the
# source. Kubernetes: 4 slices, state in S3; Airflow: 3 slices, state in PostgreSQL, after rows
# were deleted and changed at the source (the finalize step retires the deleted ones).
source "$(dirname "$0")/../postgres/lib.sh"
need_servers CHORUS_TEST_S3_ENDPOINT
here=$(cd "$(dirname "$0")" && pwd)
recipes=$(cd "$here/../../examples/scale-out" && pwd)
rows=5000
unique="$$_$RANDOM"

throwaway_database chorus_recipe_src; source_db=$LAST_DATABASE
throwaway_database chorus_recipe_dst; target_db=$LAST_DATABASE
psql_in "$source_db" "
  CREATE TABLE orders (id bigint PRIMARY KEY, customer text, amount numeric(12,2) NOT NULL,
                       placed_at timestamptz NOT NULL, paid boolean);
  INSERT INTO orders
  SELECT g, CASE WHEN g % 17 = 0 THEN NULL ELSE 'customer ' || (g % 311) || ', \"quoted\"' END,
         g * 1.25, timestamptz '2026-01-01 00:00:00+00' + g * interval '1 minute', g % 3 = 0
  FROM generate_series(1, $rows) g;" >/dev/null

# site.json STATE_URL: the values a user fills into the Secret (or the workers' environment).
site() {
  cat <<JSON
{"SOURCE_PG_HOST": "$CHORUS_TEST_PG_HOST", "SOURCE_PG_PORT": "$CHORUS_TEST_PG_PORT",
 "SOURCE_PG_USER": "$CHORUS_TEST_PG_USER", "SOURCE_PG_PASSWORD": "$CHORUS_TEST_PG_PASSWORD",
 "SOURCE_PG_DBNAME": "$source_db", "SOURCE_PG_SSLMODE": "disable",
 "TARGET_PG_HOST": "$CHORUS_TEST_PG_HOST", "TARGET_PG_PORT": "$CHORUS_TEST_PG_PORT",
 "TARGET_PG_USER": "$CHORUS_TEST_PG_USER", "TARGET_PG_PASSWORD": "$CHORUS_TEST_PG_PASSWORD",
 "TARGET_PG_DBNAME": "$target_db", "TARGET_PG_SSLMODE": "disable",
 "CHORUS_STATE_URL": "$1", "CHORUS_STATE_S3_ENDPOINT": "$CHORUS_TEST_S3_ENDPOINT",
 "AWS_REGION": "${CHORUS_TEST_S3_REGION:-us-east-1}",
 "AWS_ACCESS_KEY_ID": "$CHORUS_TEST_S3_ACCESS_KEY_ID",
 "AWS_SECRET_ACCESS_KEY": "$CHORUS_TEST_S3_SECRET_ACCESS_KEY"}
JSON
}

same_as_source() {  # WHAT
  local query="SELECT count(*) || ' ' || md5(string_agg(concat_ws(':', id, customer, amount,
    to_char(placed_at::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'), paid), ',' ORDER BY id)) FROM public.orders"
  expect_equal "$(psql_in "$target_db" "$query")" "$(psql_in "$source_db" "$query")" "$1: target equals source"
}

# Every slice read a part of the table, and the parts add up to it: LOGS PATTERN SLICES.
slices_split_the_table() {
  local total=0 count=0 read_k log
  for log in "$1"/$2.err; do
    read_k=$(sed -n 's/.*run succeeded: \([0-9]*\) records read.*/\1/p' "$log" | tail -1)
    echo "$(basename "$log" .err) read ${read_k:-nothing}"
    ((${read_k:-0} > 0 && ${read_k:-0} < rows_now)) || fail "$(basename "$log"): read ${read_k:-nothing} of $rows_now rows"
    total=$((total + ${read_k:-0}))
    count=$((count + 1))
  done
  expect_equal "$count" "$3" "$3 slices ran"
  expect_equal "$total" "$rows_now" "the slices together read each row once"
}

# Kubernetes: the ConfigMap holds pipeline.yml (kubectl create configmap --from-file), the
# Secret the site's values; the Indexed Job's 4 pods run at once, then the finalize Job.
site "s3://$CHORUS_TEST_S3_BUCKET/recipes-$unique/orders.json" >site-kubernetes.json
rows_now=$rows
expect_exit 0 "the Kubernetes Jobs' commands" -- python3 "$here/run_recipe.py" kubernetes \
  --site site-kubernetes.json --secret "$recipes/kubernetes/secret.yaml" \
  --configmap "chorus-orders-pipeline=$recipes/pipeline.yml" \
  --job "$recipes/kubernetes/slices-job.yaml" --job "$recipes/kubernetes/finalize-job.yaml" kubernetes
cat out
slices_split_the_table kubernetes 'chorus-orders-slices-*' 4
expect_contains kubernetes/chorus-orders-finalize-0.err "finalized" "the finalize Job closed the sync"
same_as_source "Kubernetes recipe, 4 slices, state in S3"

# Airflow: N = 3 through the DAG's parameter, state in PostgreSQL, after changes at the source.
psql_in "$source_db" "DELETE FROM orders WHERE id % 50 = 7;
  UPDATE orders SET customer = 'changed ' || id, paid = NULL WHERE id % 100 = 3" >/dev/null
rows_now=$(psql_in "$source_db" "SELECT count(*) FROM orders")
site "postgresql://$CHORUS_TEST_PG_USER:$CHORUS_TEST_PG_PASSWORD@$CHORUS_TEST_PG_HOST:$CHORUS_TEST_PG_PORT/${CHORUS_TEST_PG_DBNAME:-postgres}?state_id=recipes-$unique&sslmode=disable" >site-airflow.json
CHORUS_SLICES=3 CHORUS_PIPELINE="$recipes/pipeline.yml" expect_exit 0 "the Airflow DAG's tasks" -- \
  python3 "$here/run_recipe.py" airflow --site site-airflow.json \
  --dag "$recipes/airflow/chorus_orders_scale_out.py" airflow
cat out
slices_split_the_table airflow 'slice_*_of_3' 3
expect_contains airflow/finalize.err "finalized" "the finalize task closed the sync"
same_as_source "Airflow recipe, 3 slices, state in PostgreSQL, rows deleted and changed"
finish
