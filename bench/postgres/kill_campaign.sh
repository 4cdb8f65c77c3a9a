#!/usr/bin/env bash
# The long kill campaign: tests/postgres/kill_campaign.sh with 1M rows and 20 SIGKILLs per
# replication method (INCREMENTAL, FULL_TABLE, LOG_BASED: 20 in the copy, 20 in the replay of
# change sets of 5% of the rows), kills landing up to 6 s into a run.
#   bench/postgres/kill_campaign.sh <build-dir> [rows] [kills]
# Needs the PostgreSQL of scripts/test-services.sh (settings from CHORUS_TEST_PG_*, else its
# env file in <build-dir>/services or build/services). Prints a line per kill and a summary
# per method; exits non-zero when any row was lost, duplicated or changed.
set -euo pipefail

build=$(cd "${1:?usage: kill_campaign.sh <build-dir> [rows] [kills]}" && pwd)
repo=$(cd "$(dirname "$0")/../.." && pwd)
source "$(dirname "$0")/../services_env.sh"
load_services_env "$build" CHORUS_TEST_PG_HOST
: "${CHORUS_TEST_PG_HOST:?PostgreSQL settings missing: start scripts/test-services.sh}"
export CHORUS=$build/chorus CHORUS_PLUGIN_PATH=$build/plugins
export KILL_CAMPAIGN_ROWS=${2:-1000000} KILL_CAMPAIGN_KILLS=${3:-20}
export KILL_CAMPAIGN_MAX_DELAY=${KILL_CAMPAIGN_MAX_DELAY:-6}
export KILL_CAMPAIGN_REPLAY_SHARE=${KILL_CAMPAIGN_REPLAY_SHARE:-20}
exec bash "$repo/tests/postgres/kill_campaign.sh"
