#!/usr/bin/env bash
# Installs what chorus needs to build, test and benchmark, from Debian packages and the npm
# registry. Idempotent; skips apt when everything is already there. Run as root.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ccache git
  clang libclang-rt-14-dev clang-format
  libboost-dev libboost-filesystem-dev nlohmann-json3-dev libsimdjson-dev libcurl4-openssl-dev
  libpqxx-dev libspdlog-dev doctest-dev libssl-dev zlib1g-dev libzstd-dev libsqlite3-dev
  libyaml-cpp-dev libcli11-dev libmariadb-dev
  postgresql postgresql-15-wal2json postgresql-client mariadb-server mariadb-client
  sqlite3 zstd gzip time python3 python3-yaml yamllint curl ca-certificates procps openssl
)
# s3rver (the S3-compatible test server) runs on Node.js; keep a Node.js the machine already has.
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "chorus: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
