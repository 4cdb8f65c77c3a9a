# Shared helpers of the tap-mysql scripts. CTest sets CHORUS (the program) and
# CHORUS_PLUGIN_PATH (the build tree's plugins); the server comes from CHORUS_TEST_MYSQL_*, as
# scripts/test-services.sh writes them. Without a server the script is skipped, or fails when
# servers are required.
# Once: another area's lib.sh (or the conformance runner) may have sourced the checks already.
declare -F finish >/dev/null || source "$(dirname "${BASH_SOURCE[0]}")/../script_checks.sh"
need_servers CHORUS_TEST_MYSQL_HOST
command -v mariadb >/dev/null || { echo "mariadb client missing (scripts/install-deps.sh installs it)" >&2; exit 1; }
MYSQL_DATABASES=()

# mysql_admin SQL: runs SQL as the admin user (tab-separated rows, no column names).
mysql_admin() {
  mariadb --no-defaults -N -B -h "$CHORUS_TEST_MYSQL_HOST" -P "$CHORUS_TEST_MYSQL_PORT" \
    -u "$CHORUS_TEST_MYSQL_ADMIN_USER" -p"$CHORUS_TEST_MYSQL_ADMIN_PASSWORD" -e "$1"
}

mysql_cleanup() {
  local db
  if declare -F cleanup >/dev/null; then cleanup; fi  # tests/postgres/lib.sh's, when sourced first
  for db in "${MYSQL_DATABASES[@]}"; do mysql_admin "DROP DATABASE IF EXISTS \`$db\`" 2>/dev/null; done
  rm -rf "$WORK"
}
trap mysql_cleanup EXIT

# throwaway_mysql_database BASE: a fresh utf8mb4 database BASE_<pid>_<random> in $LAST_DATABASE, dropped
# when the script ends (no subshell, so that the cleanup list keeps the name).
throwaway_mysql_database() {
  LAST_DATABASE="$1_$$_${RANDOM}"
  mysql_admin "CREATE DATABASE \`$LAST_DATABASE\` CHARACTER SET utf8mb4" || { echo "cannot create $LAST_DATABASE" >&2; exit 1; }
  MYSQL_DATABASES+=("$LAST_DATABASE")
}

# mysql_config DATABASE [EXTRA-JSON-MEMBERS]: a tap-mysql config for the read-only test user.
mysql_config() {
  printf '{"host": "%s", "port": %s, "user": "%s", "password": "%s", "databases": ["%s"]%s}' \
    "$CHORUS_TEST_MYSQL_HOST" "$CHORUS_TEST_MYSQL_PORT" "$CHORUS_TEST_MYSQL_USER" \
    "$CHORUS_TEST_MYSQL_PASSWORD" "$1" "${2:+, $2}"
}
