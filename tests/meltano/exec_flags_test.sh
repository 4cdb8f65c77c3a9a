#!/usr/bin/env bash
# Every flag of a Singer SDK plugin, under `chorus exec` and under a link named for the plugin:
# --about [--format json|markdown] in both spellings, --version, --help, --config several times
# and ENV, --state in both framings, --catalog and --properties, --discover, --input.
source "$(dirname "$0")/lib.sh"

write_rows rows.csv 1 4
files='[{"entity": "rows", "path": "rows.csv", "keys": ["id"], "replication_key": "id"}]'
echo "{\"files\": $files, \"state_every\": 1000}" >tap.json
echo '{"state_every": 1}' >every-row.json

for way in exec link; do
  if [[ $way == exec ]]; then
    tap=("$CHORUS" exec tap-csv --)
    target=("$CHORUS" exec target-jsonl --)
  else
    tap=(tap-csv)
    target=(target-jsonl)
  fi

  for format in "--format=json" "--format json"; do
    # shellcheck disable=SC2086
    expect_exit 0 "$way: --about $format" -- "${tap[@]}" --about $format
    [[ $(json_get out 'd["name"]') == tap-csv ]] || fail "$way: --about $format is not tap-csv's about"
  done
  expect_exit 0 "$way: --about --format markdown" -- "${tap[@]}" --about --format markdown
  expect_contains out "## Settings" "$way: markdown about"
  expect_exit 0 "$way: --version" -- "${tap[@]}" --version
  expect_contains out "tap-csv v0.1.0" "$way: --version names the plugin and its version"
  expect_exit 0 "$way: --help" -- "${tap[@]}" --help
  expect_contains out "--config FILE|ENV" "$way: --help lists --config"
  expect_contains out "TAP_CSV_FILES" "$way: --help names each setting's environment variable"
  expect_exit 0 "$way: target --help" -- "${target[@]}" --help
  expect_contains out "--input FILE" "$way: a target's --help lists --input"

  # Several --config files merge in order: the second one's state_every wins.
  expect_exit 0 "$way: two --config files" -- "${tap[@]}" --config tap.json --config every-row.json
  expect_equal "$(grep -c '"STATE"' out)" 5 "$way: STATE lines with state_every 1 from the second file"
  expect_exit 0 "$way: --config in the other order" -- "${tap[@]}" --config every-row.json --config tap.json
  expect_equal "$(grep -c '"STATE"' out)" 1 "$way: STATE lines with state_every 1000 from the last file"

  # --config ENV: the settings from TAP_CSV_<SETTING>, merged with files in order.
  expect_exit 0 "$way: --config ENV" -- env TAP_CSV_FILES="$files" TAP_CSV_STATE_EVERY=2 "${tap[@]}" --config ENV
  expect_equal "$(grep -c '"RECORD"' out)" 4 "$way: records with settings from the environment"
  expect_equal "$(grep -c '"STATE"' out)" 3 "$way: state_every 2 from TAP_CSV_STATE_EVERY"
  expect_exit 0 "$way: --config FILE --config ENV" -- env TAP_CSV_STATE_EVERY=1 "${tap[@]}" --config tap.json --config ENV
  expect_equal "$(grep -c '"STATE"' out)" 5 "$way: ENV after the file wins"
  expect_exit 1 "$way: a setting that does not parse" -- env TAP_CSV_STATE_EVERY=often "${tap[@]}" --config tap.json --config ENV
  expect_contains err "TAP_CSV_STATE_EVERY is not an integer" "$way: the message names the variable"

  # --discover, then --catalog and its old name --properties with the stream deselected.
  expect_exit 0 "$way: --discover" -- "${tap[@]}" --config tap.json --discover
  python3 - <<'PY' || fail "$way: cannot deselect the discovered stream"
import json
catalog = json.load(open("out"))
for entry in catalog["streams"]:
    for item in entry["metadata"]:
        if item["breadcrumb"] == []:
            item["metadata"]["selected"] = False
json.dump(catalog, open("deselected.json", "w"))
PY
  echo '{"allow_empty": true}' >allow-empty.json
  for flag in --catalog --properties; do
    # A catalog that selects nothing is refused unless the config allows an empty result.
    expect_exit 1 "$way: $flag selecting nothing" -- "${tap[@]}" --config tap.json $flag deselected.json
    expect_contains err "no stream is selected" "$way: $flag: the refusal says why"
    expect_exit 0 "$way: $flag" -- "${tap[@]}" --config tap.json --config allow-empty.json $flag deselected.json
    expect_equal "$(grep -c '"RECORD"' out)" 0 "$way: $flag deselects the stream"
  done

  # --state: a bare value, a whole STATE message, and Meltano's nested accident.
  echo '{"bookmarks": {"rows": {"replication_key": "id", "replication_key_value": 3}}}' >bare.json
  echo '{"type": "STATE", "value": {"bookmarks": {"rows": {"replication_key": "id", "replication_key_value": 3}}}}' >wrapped.json
  echo '{"type": "STATE", "value": {"type": "STATE", "value": {"bookmarks": {"rows": {"replication_key": "id", "replication_key_value": 3}}}}}' >nested.json
  for state in bare wrapped nested; do
    expect_exit 0 "$way: --state $state" -- "${tap[@]}" --config tap.json --state $state.json
    expect_equal "$(grep -c '"RECORD"' out)" 2 "$way: resumed from the $state state (rows 3 and 4)"
  done
  expect_contains err "nested 2 levels deep" "$way: the nested state is unwrapped with a warning"

  # A target reads --input and prints each state value alone, as Singer targets do.
  "${tap[@]}" --config tap.json >stream.singer 2>/dev/null
  echo "{\"destination_path\": \"out-$way\"}" >target.json
  expect_exit 0 "$way: target --input" -- "${target[@]}" --config target.json --input stream.singer
  expect_equal "$(cat out)" '{"bookmarks":{"rows":{"replication_key":"id","replication_key_value":4}}}' \
    "$way: the target prints the bare state value"
  expect_equal "$(wc -l <out-$way/rows.jsonl)" 4 "$way: --input loaded every record"
  expect_exit 0 "$way: target on stdin" -- bash -c "\"\$@\" <stream.singer" _ "${target[@]}" --config target.json
  expect_equal "$(cat out)" '{"bookmarks":{"rows":{"replication_key":"id","replication_key_value":4}}}' \
    "$way: the target prints the bare state value from stdin"

  expect_exit 2 "$way: an unknown flag" -- "${tap[@]}" --config tap.json --bogus
  expect_contains err "unknown argument '--bogus'" "$way: the unknown flag is named"
  expect_exit 2 "$way: a tap flag given to a target" -- "${target[@]}" --state bare.json
  expect_contains err "--state is for taps" "$way: the misplaced flag is named"
done
finish
