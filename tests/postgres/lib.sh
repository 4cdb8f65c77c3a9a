# Shared helpers of the PostgreSQL pipeline scripts. CTest sets CHORUS (the program) and
# CHORUS_PLUGIN_PATH (the build tree's plugins); the server comes from CHORUS_TEST_PG_*, as
# scripts/test-services.sh writes them. Without a server the script is skipped, or fails when
# servers are required.
source "$(dirname "${BASH_SOURCE[0]}")/../script_checks.sh"
need_servers CHORUS_TEST_PG_HOST
command -v psql >/dev/null || { echo "psql missing (scripts/install-deps.sh installs it)" >&2; exit 1; }
PG_ADMIN_DB=${CHORUS_TEST_PG_DBNAME:-postgres}
THROWAWAY_DATABASES=()

# psql_in DATABASE SQL: unaligned, tuples only, stops at the first error; UTC so that
# timestamps print the same on both sides.
psql_in() {
  PGPASSWORD="$CHORUS_TEST_PG_PASSWORD" PGOPTIONS="-c TimeZone=UTC" psql -X -q -A -t \
    -v ON_ERROR_STOP=1 -h "$CHORUS_TEST_PG_HOST" -p "$CHORUS_TEST_PG_PORT" \
    -U "$CHORUS_TEST_PG_USER" -d "$1" -c "$2"
}

drop_database() {
  psql_in "$PG_ADMIN_DB" "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" >/dev/null 2>&1
}

cleanup() {
  local db
  for db in "${THROWAWAY_DATABASES[@]}"; do drop_database "$db"; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# throwaway_database BASE: creates a fresh database named BASE_<pid>_<random>, prints the name,
# drops it when the script ends. Call as `throwaway_database x; db=$LAST_DATABASE` (no subshell,
# so that the cleanup list keeps the name).
throwaway_database() {
  LAST_DATABASE="$1_$$_${RANDOM}"
  drop_database "$LAST_DATABASE"
  psql_in "$PG_ADMIN_DB" "CREATE DATABASE \"$LAST_DATABASE\"" >/dev/null ||
    { echo "cannot create database $LAST_DATABASE" >&2; exit 1; }
  THROWAWAY_DATABASES+=("$LAST_DATABASE")
}

# loaded_rows DATABASE TABLE: how many rows public.TABLE holds, 0 while it does not exist yet
# (the target creates it with its first batch).
loaded_rows() {
  psql_in "$1" "SELECT CASE WHEN to_regclass('public.$2') IS NULL THEN 0
    ELSE (SELECT count(*) FROM public.$2) END" 2>/dev/null || echo 0
}

# connection_yaml DATABASE [PORT [PASSWORD]]: the connection entries of a plugin config.
connection_yaml() {
  printf 'host: "%s", port: %s, user: "%s", password: "%s", dbname: "%s", sslmode: disable' \
    "$CHORUS_TEST_PG_HOST" "${2:-$CHORUS_TEST_PG_PORT}" "$CHORUS_TEST_PG_USER" \
    "${3:-$CHORUS_TEST_PG_PASSWORD}" "$1"
}

# A local TCP port nothing listens on: bound by the kernel's choice, then released.
closed_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# The state file is absent or whole JSON: a SIGKILL must never leave it torn.
expect_state_whole() {
  if [[ -e "$1" ]]; then
    python3 -c "import json, sys; json.load(open(sys.argv[1]))" "$1" 2>/dev/null ||
      fail "$2: state file is not valid JSON: $(head -c 300 "$1")"
  fi
}

# run_slices ROUND N [PIPELINE]: `chorus run --partition K/N` for every K at once, each logging
# to ROUND-K.out and ROUND-K.err; fails naming each slice that failed.
run_slices() {
  local k pids=()
  for ((k = 1; k <= $2; k++)); do
    "$CHORUS" run --pipeline "${3:-pipeline.yml}" --partition "$k/$2" >"$1-$k.out" 2>"$1-$k.err" &
    pids+=($!)
  done
  for ((k = 1; k <= $2; k++)); do
    wait "${pids[k - 1]}" || fail "$1: slice $k/$2 failed: $(tail -3 "$1-$k.err")"
  done
}

# records_read LOG: the records a run's log says it read.
records_read() {
  sed -n 's/.*run succeeded: \([0-9]*\) records read.*/\1/p' "$1" | tail -1
}
