#!/usr/bin/env bash
# `chorus meltano PLUGIN` for every plugin built: YAML that reads back as one meltano.yml
# plugins entry of the right type, run by the plugin's own name, with every setting of its
# about document.
source "$(dirname "$0")/lib.sh"

plugins=$("$CHORUS" plugins | awk 'NR > 1 && $2 != "?" {print $1}')
[[ -n $plugins ]] || fail "chorus plugins lists no plugin"
for plugin in $plugins; do
  expect_exit 0 "chorus meltano $plugin" -- "$CHORUS" meltano "$plugin"
  cp out "$plugin.yml"
  "$CHORUS" about "$plugin" >"$plugin.about.json" 2>/dev/null || fail "chorus about $plugin"
  python3 - "$plugin" <<'PY' || fail "$plugin: the Meltano definition does not match its about"
import json, sys, yaml
name = sys.argv[1]
about = json.load(open(f"{name}.about.json"))
plugins = yaml.safe_load(open(f"{name}.yml"))["plugins"]
kind = {"tap": "extractors", "target": "loaders", "mapper": "mappers"}[about["kind"]]
assert list(plugins) == [kind], plugins
(entry,) = plugins[kind]
assert entry["name"] == name and entry["executable"] == name, entry
assert entry["namespace"] == name.replace("-", "_"), entry
assert set(entry["capabilities"]) <= set(about["capabilities"]), entry["capabilities"]
properties = about["settings"].get("properties", {})
assert [s["name"] for s in entry["settings"]] == sorted(properties), entry["settings"]
kinds = {"oauth", "date_iso8601", "file", "email", "integer", "decimal", "options", "object",
         "array", "boolean", "string"}
for setting in entry["settings"]:
    prop = properties[setting["name"]]
    assert setting["kind"] in kinds, setting
    assert setting.get("sensitive", False) == prop.get("secret", False), setting
    if "default" in prop:
        assert setting["value"] == prop["default"], setting
PY
done

# docs/meltano.md's meltano.yml is what `chorus meltano` prints for tap-csv and target-jsonl,
# plus their config.
docs="$SINGER_PROGRAMS/../../../docs/meltano.md"
python3 - "$docs" <<'PY' || fail "docs/meltano.md's meltano.yml differs from chorus meltano's output"
import sys, yaml
text = open(sys.argv[1]).read()
start = text.index("```yaml\nversion: 1") + len("```yaml\n")
documented = yaml.safe_load(text[start:text.index("```", start)])["plugins"]
for kind, name in (("extractors", "tap-csv"), ("loaders", "target-jsonl")):
    (entry,) = [e for e in documented[kind] if e["name"] == name]
    entry.pop("config")
    generated = yaml.safe_load(open(f"{name}.yml"))["plugins"][kind][0]
    assert entry == generated, (entry, generated)
PY
finish
