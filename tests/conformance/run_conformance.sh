#!/usr/bin/env bash
# `chorus test PLUGIN` for one in-tree plugin, with a config that lets the suite exercise it:
# taps get a source with data, targets a destination of their own, mappers a rule that matches
# the fixture streams. Servers come from CHORUS_TEST_* (scripts/test-services.sh).
# Usage: run_conformance.sh PLUGIN
source "$(dirname "$0")/../script_checks.sh"
plugin=${1:?usage: run_conformance.sh PLUGIN}
tests=$(cd "$(dirname "$0")/.." && pwd)

psql_admin() {
  PGPASSWORD="$CHORUS_TEST_PG_PASSWORD" psql -X -q -A -t -v ON_ERROR_STOP=1 -h "$CHORUS_TEST_PG_HOST" \
    -p "$CHORUS_TEST_PG_PORT" -U "$CHORUS_TEST_PG_USER" -d "${2:-${CHORUS_TEST_PG_DBNAME:-postgres}}" -c "$1"
}

# A database of this test's own, dropped when the test ends.
throwaway_database() {
  database=conformance_${plugin//-/_}_$$
  psql_admin "CREATE DATABASE $database" >/dev/null
  trap 'psql_admin "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null; rm -rf "$WORK"' EXIT
}

pg_settings() {
  printf '"host": "%s", "port": %s, "user": "%s", "password": "%s", "dbname": "%s", "sslmode": "disable"' \
    "$CHORUS_TEST_PG_HOST" "$CHORUS_TEST_PG_PORT" "$CHORUS_TEST_PG_USER" "$CHORUS_TEST_PG_PASSWORD" "$1"
}

s3_settings() {
  printf '"s3_bucket": "%s", "s3_endpoint_url": "%s", "s3_region": "%s", "s3_key_prefix": "conformance/%s-%s", "aws_access_key_id": "%s", "aws_secret_access_key": "%s"' \
    "$CHORUS_TEST_S3_BUCKET" "$CHORUS_TEST_S3_ENDPOINT" "${CHORUS_TEST_S3_REGION:-us-east-1}" \
    "$plugin" "$$" "$CHORUS_TEST_S3_ACCESS_KEY_ID" "$CHORUS_TEST_S3_SECRET_ACCESS_KEY"
}

case "$plugin" in
  tap-csv)
    printf 'id,name,updated_at\n1,ann,2024-01-01T00:00:00Z\n2,bob,2024-01-02T00:00:00Z\n3,cy,2024-01-03T00:00:00Z\n' >people.csv
    config="{\"files\": [{\"entity\": \"people\", \"path\": \"$WORK/people.csv\", \"keys\": [\"id\"], \"replication_key\": \"updated_at\"}]}"
    ;;
  tap-postgres)
    need_servers CHORUS_TEST_PG_HOST
    throwaway_database
    psql_admin "CREATE TABLE people (id integer PRIMARY KEY, name text, updated_at timestamptz);
                INSERT INTO people SELECT i, 'person ' || i, '2024-01-01'::timestamptz + i * interval '1 hour'
                FROM generate_series(1, 50) i" "$database" >/dev/null
    config="{$(pg_settings "$database")}"
    ;;
  tap-mysql)
    need_servers CHORUS_TEST_MYSQL_HOST
    source "$tests/mysql/lib.sh"
    throwaway_mysql_database conformance
    mysql_admin "USE \`$LAST_DATABASE\`; CREATE TABLE people (id int PRIMARY KEY, name text, updated_at datetime(6));
                 INSERT INTO people SELECT seq, CONCAT('person ', seq), '2024-01-01' + INTERVAL seq HOUR FROM seq_1_to_50"
    config=$(mysql_config "$LAST_DATABASE")
    ;;
  tap-rest)
    # The REST kit's local test API: it prints "PORT <n>" once it listens.
    coproc API { exec python3 "$tests/authoring/rest_api_server.py"; }
    read -r -u "${API[0]}" word port
    [[ "$word" == PORT ]] || { echo "the local test API did not start" >&2; exit 1; }
    trap 'kill "$API_PID" 2>/dev/null; rm -rf "$WORK"' EXIT
    config="{\"api_url\": \"http://127.0.0.1:$port\", \"streams\": [{\"name\": \"items\", \"path\": \"/items\", \"params\": {\"paging\": \"next_url\"}, \"records_path\": \"\$.data[*]\", \"primary_keys\": [\"id\"], \"replication_key\": \"updated_at\", \"replication_param\": \"updated_since\", \"pagination\": {\"type\": \"next_url\", \"path\": \"\$.links.next\"}}]}"
    ;;
  target-csv | target-jsonl)
    config="{\"destination_path\": \"$WORK/destination\"}"
    ;;
  target-sqlite)
    config="{\"database\": \"$WORK/out.db\"}"
    ;;
  target-postgres)
    need_servers CHORUS_TEST_PG_HOST
    throwaway_database
    config="{$(pg_settings "$database")}"
    ;;
  target-redshift)
    need_servers CHORUS_TEST_PG_HOST CHORUS_TEST_S3_ENDPOINT
    throwaway_database
    # Redshift's COPY FROM S3 runs on its PostgreSQL stand-in (README: what is stood in for).
    config="{$(pg_settings "$database"), $(s3_settings), \"copy_executor\": \"postgres-standin\"}"
    ;;
  target-snowflake)
    need_servers CHORUS_TEST_S3_ENDPOINT
    source "$tests/snowflake/sql_api_standin.sh"
    start_sql_api_standin
    config="{$SQL_API_STANDIN_CONFIG, $(s3_settings)}"
    ;;
  mapper-pii)
    config='{"hash": ["conformance_users.name"], "salt": "conformance"}'
    ;;
  mapper-stream-maps)
    config='{"stream_maps": {"conformance_users": {"name_length": "str(len(record.get('"'"'name'"'"') or '"'"''"'"'))"}}}'
    ;;
  *)
    echo "no conformance recipe for $plugin: add one to tests/conformance/run_conformance.sh" >&2
    exit 1
    ;;
esac

expect_exit 0 "chorus test $plugin" -- "$CHORUS" test "$plugin" --config "$config"
cat "$WORK/out"
finish
