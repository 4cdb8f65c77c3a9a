#!/usr/bin/env bash
# The first command of the README: installs what chorus needs (Debian packages), builds it, and
# runs the sample pipeline into SQLite. Run as root on Debian 12.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
"$repo/scripts/install-deps.sh"
"$repo/scripts/build.sh"
"$repo/scripts/run-sample.sh"
