#!/usr/bin/env bash
# Stream maps benchmark: tap-csv -> target-csv on the orders stream with a map in tap-csv's
# config (an alias, a filter and two computed properties, one an md5), next to the same run
# without maps in the same bench run. Called by bench/run.sh with its `measure`, `header` and
# `goal` helpers in scope (sourced, not run); the record count comes from --records.

mkdir -p "$work/maps-csv"
"$generate" csv "$records" >"$work/maps-csv/orders.csv"
maps_csv_bytes=$(stat -c %s "$work/maps-csv/orders.csv")
cat >"$work/maps-plain.json" <<JSON
{"files": [{"entity": "orders", "path": "$work/maps-csv/orders.csv", "keys": ["id"]}]}
JSON
# The filter keeps every record (ids start at 1), so both runs write the same number of rows.
cat >"$work/maps-mapped.json" <<JSON
{"files": [{"entity": "orders", "path": "$work/maps-csv/orders.csv", "keys": ["id"]}],
 "stream_maps": {"orders": {"__alias__": "orders_mapped", "__filter__": "id > 0",
   "customer_hash": "md5(config['seed'] + customer)", "status_upper": "status.upper()"}},
 "stream_map_config": {"seed": "bench"}}
JSON
cat >"$work/maps-target.json" <<JSON
{"destination_path": "$work/maps-out"}
JSON

header "maps: $records orders records, CSV $((maps_csv_bytes / 1048576)) MiB, tap-csv -> target-csv"
floor_rate=""
measure "tap-csv target-csv, no maps" "$records" "$maps_csv_bytes" \
  "'$chorus' run tap-csv target-csv --config tap-csv='$work/maps-plain.json' --config target-csv='$work/maps-target.json' --state '$work/maps-state-plain.json'" \
  "rm -rf '$work/maps-out' '$work/maps-state-plain.json'"
plain_rate=$last_rate
measure "same, alias + filter + md5 + upper() in tap" "$records" "$maps_csv_bytes" \
  "'$chorus' run tap-csv target-csv --config tap-csv='$work/maps-mapped.json' --config target-csv='$work/maps-target.json' --state '$work/maps-state-mapped.json'" \
  "rm -rf '$work/maps-out' '$work/maps-state-mapped.json'"
mapped_rate=$last_rate
mapped_rows=$(($(wc -l <"$work/maps-out/orders_mapped.csv") - 1))
[ "$mapped_rows" = "$records" ] || echo "bench: the mapped run wrote $mapped_rows rows, not $records" >&2
rm -rf "$work/maps-out" "$work/maps-csv"
goals+=("$(awk -v p="$plain_rate" -v m="$mapped_rate" 'BEGIN { printf "%-58s %s (%.0f%% of %'"'"'d records/s)", "stream maps at >= 70% of the map-free throughput:", (m >= 0.7 * p ? "met" : "NOT met"), 100 * m / p, p }')")
