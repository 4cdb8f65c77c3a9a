#!/usr/bin/env bash
# Starts (or stops) the real servers the test suite talks to, on loopback ports:
#   - a throwaway PostgreSQL 15 cluster with wal_level=logical (for wal2json), password
#     authentication and TLS (a throwaway CA), owned by the `postgres` system user;
#   - s3rver, an S3-compatible server from the npm registry, with a bucket `chorus-test`;
#   - a throwaway MariaDB with a row-based binary log (for tap-mysql's LOG_BASED), a user
#     `chorus` that may only read and replicate, and `chorus_admin` that sets up test data.
# Usage: scripts/test-services.sh start|stop|status
# Writes the connection settings to $CHORUS_SERVICES_DIR/env, which tests source (or read from
# their environment: CHORUS_TEST_PG_*, CHORUS_TEST_S3_*, CHORUS_TEST_MYSQL_*). Starting is idempotent.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
env_file=$repo/build/services/env
mkdir -p "$repo/build/services"
# The server runs as the `postgres` system user, which must be able to reach its data folder; a
# clone under a private home folder (mode 0700) is not reachable, so fall back to the temp dir.
dir=${CHORUS_SERVICES_DIR:-$repo/build/services}
mkdir -p "$dir"
if ! runuser -u postgres -- test -x "$dir" 2>/dev/null; then
  dir=${TMPDIR:-/tmp}/chorus-test-services
fi
pg_port=${CHORUS_TEST_PG_PORT:-54329}
s3_port=${CHORUS_TEST_S3_PORT:-45690}
mysql_port=${CHORUS_TEST_MYSQL_PORT:-33306}
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
mkdir -p "$dir"

as_postgres() { runuser -u postgres -- "$@"; }

pg_running() { as_postgres "$pg_bin/pg_ctl" -D "$dir/pg" status >/dev/null 2>&1; }

start_postgres() {
  if [ ! -s "$dir/pg/PG_VERSION" ]; then
    rm -rf "$dir/pg"
    install -d -o postgres -g postgres "$dir/pg"
    echo chorus >"$dir/pgpass.init"
    chown postgres "$dir/pgpass.init"
    as_postgres "$pg_bin/initdb" -D "$dir/pg" -U chorus --pwfile="$dir/pgpass.init" \
      --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
    rm -f "$dir/pgpass.init"
    cat >>"$dir/pg/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $pg_port
unix_socket_directories = '$dir/pg'
wal_level = logical
max_replication_slots = 20
max_wal_senders = 20
max_connections = 200
CONF
    echo "host replication all 127.0.0.1/32 scram-sha-256" >>"$dir/pg/pg_hba.conf"
  fi
  ensure_pg_tls
  if ! pg_running; then
    as_postgres "$pg_bin/pg_ctl" -D "$dir/pg" -l "$dir/pg/server.log" -w start >/dev/null
  fi
}

# TLS for the sslmode tests: a throwaway CA signs the server's certificate for IP 127.0.0.1
# only (so verify-full accepts 127.0.0.1 and refuses "localhost"); a second CA signs nothing.
ensure_pg_tls() {
  local tls=$dir/pg-tls
  if [ ! -s "$tls/server.crt" ]; then
    mkdir -p "$tls"
    local quiet=(-days 3650 -nodes -newkey rsa:2048)
    openssl req -x509 "${quiet[@]}" -subj "/CN=chorus test CA" -keyout "$tls/ca.key" \
      -out "$tls/ca.crt" 2>/dev/null
    openssl req -x509 "${quiet[@]}" -subj "/CN=unrelated CA" -keyout "$tls/other-ca.key" \
      -out "$tls/other-ca.crt" 2>/dev/null
    openssl req "${quiet[@]}" -subj "/CN=127.0.0.1" -keyout "$tls/server.key" \
      -out "$tls/server.csr" 2>/dev/null
    echo "subjectAltName=IP:127.0.0.1" >"$tls/server.ext"
    openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca.key" \
      -CAcreateserial -days 3650 -extfile "$tls/server.ext" -out "$tls/server.crt" 2>/dev/null
    chown postgres "$tls/server.key" "$tls/server.crt"
    chmod 600 "$tls/server.key"
  fi
  if ! grep -q "^ssl = on" "$dir/pg/postgresql.conf"; then
    cat >>"$dir/pg/postgresql.conf" <<CONF
ssl = on
ssl_cert_file = '$tls/server.crt'
ssl_key_file = '$tls/server.key'
CONF
    if pg_running; then as_postgres "$pg_bin/pg_ctl" -D "$dir/pg" reload >/dev/null; fi
  fi
}

start_s3() {
  if [ ! -x "$dir/s3rver/node_modules/.bin/s3rver" ]; then
    mkdir -p "$dir/s3rver"
    (cd "$dir/s3rver" && npm install --silent --no-audit --no-fund --no-save s3rver@3 >/dev/null 2>&1)
  fi
  if [ -f "$dir/s3rver.pid" ] && kill -0 "$(cat "$dir/s3rver.pid")" 2>/dev/null; then
    return
  fi
  mkdir -p "$dir/s3data"
  # The port lies in the kernel's ephemeral range, so a client connection that just closed may
  # still hold it in TIME-WAIT (up to 60 s): s3rver then exits with EADDRINUSE and is retried.
  for _ in $(seq 1 15); do
    # s3rver encrypts ListObjectsV2 continuation tokens with DES, which Node's OpenSSL 3 keeps in
    # its legacy provider: without it every second page of a listing is a 500.
    NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }--openssl-legacy-provider" \
      nohup "$dir/s3rver/node_modules/.bin/s3rver" -d "$dir/s3data" -a 127.0.0.1 -p "$s3_port" \
      --configure-bucket chorus-test --silent >"$dir/s3rver.log" 2>&1 &
    echo $! >"$dir/s3rver.pid"
    for _ in $(seq 1 100); do
      curl -s -o /dev/null "http://127.0.0.1:$s3_port/" && return
      kill -0 "$(cat "$dir/s3rver.pid")" 2>/dev/null || break
      sleep 0.1
    done
    grep -q EADDRINUSE "$dir/s3rver.log" || break
    sleep 5
  done
  echo "s3rver did not start; see $dir/s3rver.log" >&2
  exit 1
}

# mariadbd refuses to run as root; as root it runs as the `mysql` system user (which, like
# `postgres`, must reach the data folder), otherwise as the caller.
mysql_user=$(id -un)
if [ "$(id -u)" = 0 ]; then mysql_user=mysql; fi
mysql_socket=$dir/mysql/mysqld.sock

as_mysql_user() { if [ "$(id -un)" = "$mysql_user" ]; then "$@"; else runuser -u "$mysql_user" -- "$@"; fi; }

# mariadb-install-db gives root and the installing user socket authentication: as root the
# script connects as root, otherwise as itself.
mysql_admin() {
  local admin_user=root
  if [ "$(id -u)" != 0 ]; then admin_user=$(id -un); fi
  "$1" --no-defaults --socket="$mysql_socket" -u "$admin_user" "${@:2}"
}

mysql_running() { mysql_admin mariadb-admin ping >/dev/null 2>&1; }

start_mysql() {
  if [ ! -d "$dir/mysql/data/mysql" ]; then
    rm -rf "$dir/mysql"
    install -d -o "$mysql_user" "$dir/mysql"
    as_mysql_user mariadb-install-db --no-defaults --datadir="$dir/mysql/data" \
      --auth-root-authentication-method=socket --skip-test-db >"$dir/mysql/install.log" 2>&1
  fi
  if ! mysql_running; then
    # Row-based binary log with full row images: what LOG_BASED reads.
    as_mysql_user nohup mariadbd --no-defaults --datadir="$dir/mysql/data" \
      --bind-address=127.0.0.1 --port="$mysql_port" --socket="$mysql_socket" \
      --pid-file="$dir/mysql/mysqld.pid" --log-error="$dir/mysql/server.log" \
      --log-bin="$dir/mysql/data/binlog" --binlog-format=ROW --binlog-row-image=FULL \
      --server-id=1 --skip-name-resolve --max-connections=200 >/dev/null 2>&1 &
    for _ in $(seq 1 300); do
      mysql_running && break
      sleep 0.1
    done
    if ! mysql_running; then
      echo "MariaDB did not start; see $dir/mysql/server.log" >&2
      exit 1
    fi
  fi
  mysql_admin mariadb <<SQL
CREATE USER IF NOT EXISTS 'chorus'@'127.0.0.1' IDENTIFIED BY 'chorus';
GRANT SELECT, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'chorus'@'127.0.0.1';
CREATE USER IF NOT EXISTS 'chorus_admin'@'127.0.0.1' IDENTIFIED BY 'chorus';
GRANT ALL PRIVILEGES ON *.* TO 'chorus_admin'@'127.0.0.1' WITH GRANT OPTION;
SQL
}

write_env() {
  cat >"$env_file" <<ENV
export CHORUS_TEST_PG_HOST=127.0.0.1
export CHORUS_TEST_PG_PORT=$pg_port
export CHORUS_TEST_PG_USER=chorus
export CHORUS_TEST_PG_PASSWORD=chorus
export CHORUS_TEST_PG_DBNAME=postgres
export CHORUS_TEST_PG_SOCKET_DIR=$dir/pg
export CHORUS_TEST_PG_SSL_CA=$dir/pg-tls/ca.crt
export CHORUS_TEST_PG_SSL_OTHER_CA=$dir/pg-tls/other-ca.crt
export CHORUS_TEST_S3_ENDPOINT=http://127.0.0.1:$s3_port
export CHORUS_TEST_S3_BUCKET=chorus-test
export CHORUS_TEST_S3_ACCESS_KEY_ID=S3RVER
export CHORUS_TEST_S3_SECRET_ACCESS_KEY=S3RVER
export CHORUS_TEST_S3_REGION=us-east-1
export CHORUS_TEST_MYSQL_HOST=127.0.0.1
export CHORUS_TEST_MYSQL_PORT=$mysql_port
export CHORUS_TEST_MYSQL_USER=chorus
export CHORUS_TEST_MYSQL_PASSWORD=chorus
export CHORUS_TEST_MYSQL_ADMIN_USER=chorus_admin
export CHORUS_TEST_MYSQL_ADMIN_PASSWORD=chorus
ENV
}

case "${1:-start}" in
  start)
    start_postgres
    start_s3
    start_mysql
    write_env
    echo "chorus test services: PostgreSQL on 127.0.0.1:$pg_port, s3rver on 127.0.0.1:$s3_port, MariaDB on 127.0.0.1:$mysql_port ($env_file)"
    ;;
  stop)
    if pg_running; then as_postgres "$pg_bin/pg_ctl" -D "$dir/pg" -m fast stop >/dev/null; fi
    if [ -f "$dir/s3rver.pid" ]; then kill "$(cat "$dir/s3rver.pid")" 2>/dev/null || true; rm -f "$dir/s3rver.pid"; fi
    if mysql_running; then mysql_admin mariadb-admin shutdown; fi
    ;;
  status)
    pg_running && echo "postgres: running" || echo "postgres: stopped"
    mysql_running && echo "mariadb: running" || echo "mariadb: stopped"
    [ -f "$dir/s3rver.pid" ] && kill -0 "$(cat "$dir/s3rver.pid")" 2>/dev/null && echo "s3rver: running" || echo "s3rver: stopped"
    ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
