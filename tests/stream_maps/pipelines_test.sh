#!/usr/bin/env bash
# Stream maps in real pipelines: the same map in tap-csv's config, in target-jsonl's config and
# in mapper-stream-maps between them gives the same streams; flattening in a target and in the
# mapper; a failing filter and a key that matches nothing fail the run with what to fix.
source "$(dirname "$0")/../script_checks.sh"

mkdir -p data
cat >data/customers.csv <<'CSV'
customer_id,email,full_name,balance,owner_email
1,ann@example.com,Ann A,10.10,ann@corp.example
2,bob@other.org,Bob B,3.50,bob@corp.example
3,cy@example.com,Cy C,123456789012345678.015,cy@corp.example
CSV
printf 'id,city\n1,Oslo\n' >data/addresses.csv
printf 'id,text\n1,hello\n' >data/notes.csv
cat >tap.json <<'JSON'
{"files": [
  {"entity": "customers", "path": "data/customers.csv", "keys": ["customer_id"]},
  {"entity": "addresses", "path": "data/addresses.csv", "keys": ["id"]},
  {"entity": "notes", "path": "data/notes.csv", "keys": ["id"]}]}
JSON
# Every stream_maps key at once: alias, filter, a dropped and two computed properties, a
# new key, a split (__source__ with __else__), a dropped stream and the top-level __else__.
cat >maps.json <<'JSON'
{"stream_maps": {
   "customers": {"__alias__": "clients", "__filter__": "balance > 5",
                 "email": null, "full_name": "__NULL__",
                 "email_domain": "owner_email.split('@')[-1]",
                 "email_hash": "md5(config['seed'] + owner_email)",
                 "id_text": "str(customer_id)",
                 "__key_properties__": ["id_text"]},
   "customers_pii": {"__source__": "customers", "customer_id": "customer_id",
                     "email": "email", "__else__": null},
   "addresses": "__NULL__",
   "__else__": null},
 "stream_map_config": {"seed": "pepper"}}
JSON
hash_of() { printf '%s' "pepper$1" | md5sum | cut -d' ' -f1; }

# check_mapped FOLDER WHERE: the jsonl files a mapped run wrote.
check_mapped() {
  local folder=$1 where=$2
  [[ -f $folder/clients.jsonl ]] || { fail "$where: no clients.jsonl"; return; }
  expect_equal "$(wc -l <"$folder/clients.jsonl")" "2" "$where: the filter keeps two clients"
  expect_contains "$folder/clients.jsonl" "\"email_hash\":\"$(hash_of ann@corp.example)\"" "$where: md5 of seed + owner_email"
  expect_contains "$folder/clients.jsonl" '"email_domain":"corp.example"' "$where: email domain"
  expect_contains "$folder/clients.jsonl" '"id_text":"3"' "$where: str() of the key"
  expect_contains "$folder/clients.jsonl" '123456789012345678.015' "$where: a decimal passed through keeps every digit"
  expect_not_contains "$folder/clients.jsonl" 'ann@example.com' "$where: email dropped"
  expect_not_contains "$folder/clients.jsonl" 'Ann A' "$where: full_name dropped"
  expect_equal "$(wc -l <"$folder/customers_pii.jsonl")" "3" "$where: the split stream has every customer"
  expect_contains "$folder/customers_pii.jsonl" '"email":"bob@other.org"' "$where: the split stream keeps email"
  expect_not_contains "$folder/customers_pii.jsonl" 'balance' "$where: __else__ drops the rest"
  [[ -e $folder/addresses.jsonl ]] && fail "$where: the dropped stream was written"
  [[ -e $folder/notes.jsonl ]] && fail "$where: a stream not declared passed despite __else__"
  [[ -e $folder/customers.jsonl ]] && fail "$where: the aliased stream kept its name"
}

# 1. In the tap's config (applied after tap-csv's own logic).
python3 - tap.json maps.json tap_mapped.json <<'PY'
import json, sys
tap, maps = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
tap.update(maps)
json.dump(tap, open(sys.argv[3], "w"))
PY
expect_exit 0 "maps in the tap" -- "$CHORUS" run tap-csv target-jsonl --config tap-csv=tap_mapped.json \
  --config 'target-jsonl={"destination_path":"in_tap"}'
check_mapped in_tap "maps in the tap"

# 2. In the target's config (applied before the target's sinks).
python3 - maps.json target_mapped.json <<'PY'
import json, sys
maps = json.load(open(sys.argv[1]))
maps["destination_path"] = "in_target"
json.dump(maps, open(sys.argv[2], "w"))
PY
expect_exit 0 "maps in the target" -- "$CHORUS" run tap-csv target-jsonl --config tap-csv=tap.json \
  --config target-jsonl=target_mapped.json
check_mapped in_target "maps in the target"

# 3. In mapper-stream-maps between them.
expect_exit 0 "maps in the mapper" -- "$CHORUS" run tap-csv mapper-stream-maps target-jsonl \
  --config tap-csv=tap.json --config mapper-stream-maps=maps.json \
  --config 'target-jsonl={"destination_path":"in_mapper"}'
check_mapped in_mapper "maps in the mapper"

# Flattening, in a target and in the mapper, on a nested Singer stream.
cat >nested.singer <<'SINGER'
{"type":"SCHEMA","stream":"users","key_properties":["id"],"schema":{"type":"object","properties":{"id":{"type":"integer"},"user":{"type":"object","properties":{"name":{"type":"string"},"geo":{"type":"object","properties":{"lat":{"type":"number"}}}}},"tags":{"type":"array","items":{"type":"string"}}}}}
{"type":"RECORD","stream":"users","record":{"id":1,"user":{"name":"Jane","geo":{"lat":59.913700}},"tags":["a","b"]}}
{"type":"STATE","value":{"bookmarks":{"users":{"id":1}}}}
SINGER
echo '{"destination_path":"flat","flattening_enabled":true,"flattening_max_depth":1}' >flat_target.json
expect_exit 0 "flattening in the target" -- "$CHORUS" exec target-jsonl -- --config flat_target.json <nested.singer
expect_contains flat/users.jsonl '"user__name":"Jane"' "target: one level flattened"
expect_contains flat/users.jsonl '"user__geo":"{\"lat\":59.913700}"' "target: deeper levels as JSON text"
expect_contains flat/users.jsonl '"tags":"[\"a\",\"b\"]"' "target: arrays as JSON text"
expect_contains out '{"bookmarks":{"users":{"id":1}}}' "target: the state is committed"

echo '{"stream_maps":{"users":{"__alias__":"people"}},"flattening_enabled":true}' >flat_mapper.json
expect_exit 0 "flattening in the mapper" -- "$CHORUS" exec mapper-stream-maps -- --config flat_mapper.json <nested.singer
expect_contains out '"stream":"people"' "mapper: the alias applies before flattening"
expect_contains out '"user__geo__lat":59.913700' "mapper: nested levels flattened, the number exact"
expect_contains out '"user__geo__lat":{"type":"number"}' "mapper: the SCHEMA declares the flattened column"

# A filter that fails on a record fails the run, naming plugin, stream, line, expression, value.
echo '{"stream_maps":{"customers":{"__filter__":"int(full_name) > 1"}}}' >bad_filter.json
expect_exit 1 "a failing filter" -- "$CHORUS" run tap-csv mapper-stream-maps target-jsonl \
  --config tap-csv=tap.json --config mapper-stream-maps=bad_filter.json \
  --config 'target-jsonl={"destination_path":"bad"}'
expect_contains err "mapper-stream-maps: stream 'customers', line" "failing filter: plugin, stream and line"
expect_contains err "stream_maps.customers.__filter__" "failing filter: the key"
expect_contains err "invalid literal for int() with base 10: 'Ann A'" "failing filter: the value"
expect_contains err '"int(full_name) > 1"' "failing filter: the expression"
[[ -s bad/customers.jsonl ]] && fail "failing filter: records were loaded"

# A stream_maps key that matches no stream fails the run, and no state is committed.
echo '{"stream_maps":{"custmers":{"email":null}}}' >typo.json
python3 - tap.json typo.json tap_typo.json <<'PY'
import json, sys
tap = json.load(open(sys.argv[1])); tap.update(json.load(open(sys.argv[2])))
json.dump(tap, open(sys.argv[3], "w"))
PY
expect_exit 1 "a key that matches nothing" -- "$CHORUS" run tap-csv target-jsonl \
  --config tap-csv=tap_typo.json --config 'target-jsonl={"destination_path":"typo"}' --state typo.state.json
expect_contains err "tap-csv: stream_maps key(s) custmers matched no stream; the streams seen were: addresses, customers, notes" \
  "unmatched key: named with the streams seen"
[[ -s typo.state.json ]] && grep -q bookmarks typo.state.json && fail "unmatched key: a state was committed"

# An unsupported expression is refused before anything runs.
echo '{"stream_maps":{"customers":{"x":"email.title()"}}}' >unsupported.json
expect_exit 1 "an unsupported method" -- "$CHORUS" exec mapper-stream-maps -- --config unsupported.json <nested.singer
expect_contains err "stream_maps.customers.x: unknown attribute 'title'" "unsupported: the key and the part"

# The capabilities, for Meltano.
for plugin in tap-csv target-jsonl mapper-stream-maps; do
  expect_exit 0 "about $plugin" -- "$CHORUS" about "$plugin"
  expect_contains out '"stream-maps"' "$plugin advertises stream-maps"
  expect_contains out '"flattening_max_depth"' "$plugin declares the flattening settings"
done
expect_exit 0 "about tap-csv" -- "$CHORUS" about tap-csv
expect_contains out '"schema-flattening"' "tap-csv advertises schema-flattening"
finish
