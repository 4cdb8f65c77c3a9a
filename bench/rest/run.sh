#!/usr/bin/env bash
# tap-rest benchmark: 1M records over 1,000 pages from a local paginated API, read by
# `chorus exec tap-rest` (records written to /dev/null as Singer) next to `curl` fetching the same
# pages over one connection in the same run. Called by bench/run.sh with its `measure` helper in
# scope (sourced, not run); the record count comes from --records.

pages=1000
server_out="$work/rest-server.out"
python3 "$repo/bench/rest/page_server.py" "$records" "$pages" >"$server_out" &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 3000); do
  grep -q '^PORT ' "$server_out" 2>/dev/null && break
  sleep 0.1
done
port=$(awk '/^PORT /{ print $2 }' "$server_out")
[ -n "$port" ] || { echo "bench: the page server did not start" >&2; exit 1; }
base="http://127.0.0.1:$port"

: >"$work/curl.cfg"
for page in $(seq 1 "$pages"); do
  printf 'url = "%s/orders?page=%d"\noutput = "/dev/null"\n' "$base" "$page" >>"$work/curl.cfg"
done
bytes=$(curl -s "$base/orders?page=1" | wc -c)
bytes=$((bytes * pages))
cat >"$work/tap-rest.json" <<JSON
{"api_url": "$base", "streams": [{"name": "orders", "path": "/orders", "records_path": "\$.data[*]",
  "primary_keys": ["id"], "pagination": {"type": "next_url", "path": "\$.next"},
  "schema": {"type": "object", "properties": {"id": {"type": "integer"},
    "customer": {"type": "string"}, "amount": {"type": "string"}, "quantity": {"type": "integer"},
    "status": {"type": "string"}, "updated_at": {"type": "string", "format": "date-time"}}}}]}
JSON

header "rest: $records records over $pages pages from a local API, $((bytes / 1048576)) MiB of JSON"
floor_rate=""
measure "curl, the same $pages pages (the floor)" "$records" "$bytes" "curl -s -K '$work/curl.cfg'"
floor_rate=$last_rate
measure "chorus exec tap-rest > /dev/null" "$records" "$bytes" \
  "'$chorus' exec tap-rest -- --config '$work/tap-rest.json' >/dev/null"
