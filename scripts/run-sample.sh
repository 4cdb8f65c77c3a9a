#!/usr/bin/env bash
# Runs the sample pipeline: the orders CSV extracts in examples/orders into a SQLite database.
# The state is kept between runs, so running this again loads only what changed since.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${CHORUS_BUILD_DIR:-$repo/build/main}
export CHORUS_OUTPUT_DIR=${CHORUS_OUTPUT_DIR:-$repo/build/sample}
mkdir -p "$CHORUS_OUTPUT_DIR"
"$build/chorus" run --pipeline "$repo/examples/orders/pipeline.yml" "$@"
echo
echo "orders in $CHORUS_OUTPUT_DIR/orders.db by status:"
sqlite3 -header -column "$CHORUS_OUTPUT_DIR/orders.db" \
  'SELECT "OrderStatus", count(*) AS orders FROM "orders" GROUP BY 1 ORDER BY 1;'
