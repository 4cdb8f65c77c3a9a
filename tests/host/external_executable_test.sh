#!/usr/bin/env bash
# External Singer executables as tap and target, with config (in memory files) and --state.
source "$(dirname "$0")/lib.sh"

cat >tap-script <<'SH'
#!/usr/bin/env bash
# A Singer tap: honours --config and --state; logs like Python taps do.
config= state=
while (($#)); do case $1 in --config) config=$2; shift;; --state) state=$2; shift;; esac; shift; done
echo "INFO config $config password=hunter2secret" >&2
start=0
[[ -n $state ]] && start=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['bookmarks']['s']['n'])" "$state")
echo '{"type":"SCHEMA","stream":"s","schema":{"type":"object","properties":{"id":{"type":"integer"}}},"key_properties":["id"]}'
for ((i = start + 1; i <= start + 3; i++)); do echo "{\"type\":\"RECORD\",\"stream\":\"s\",\"record\":{\"id\":$i}}"; done
echo 'METRIC: {"type":"counter","metric":"record_count","value":3,"tags":{"stream":"s"}}' >&2
echo "{\"type\":\"STATE\",\"value\":{\"bookmarks\":{\"s\":{\"n\":$((start + 3))}}}}"
SH
chmod +x tap-script
expect_exit 0 "external tap" -- "$CHORUS" run ./tap-script target-fixture --config 'target-fixture={"path":"o.jsonl"}' --state s.json
expect_contains err "[tap-script] config /dev/fd/" "external tap's stderr logged under its name, config in a memory file"
expect_not_contains err "hunter2secret" "password=... redacted in external logs"
expect_contains err "stream s: 3 read, 3 committed" "the host counts an external tap's records"
expect_exit 0 "external tap resumes" -- "$CHORUS" run ./tap-script target-fixture --config 'target-fixture={"path":"o.jsonl"}' --state s.json
[[ $(json_get s.json "d['bookmarks']['s']['n']") == 6 ]] || fail "external tap resumed from state"
[[ $(wc -l <o.jsonl) == 6 ]] || fail "external tap records"

cat >target-script <<'SH'
#!/usr/bin/env bash
# A Singer target: stores records, echoes STATE lines.
while IFS= read -r line; do
  case $line in
    *'"RECORD"'*) echo "$line" >>ext.jsonl ;;
    *'"STATE"'*) echo "$line" ;;
  esac
done
SH
chmod +x target-script
expect_exit 0 "external target" -- "$CHORUS" run tap-fixture ./target-script --config 'tap-fixture={"records": 12, "state_every": 5}' --state s2.json
[[ $(wc -l <ext.jsonl) == 12 ]] || fail "external target records"
[[ $(json_get s2.json "d['bookmarks']['items']['last_id']") == 12 ]] || fail "external target's state"

cat >failing-target <<'SH'
#!/usr/bin/env bash
read -r line
echo "ERROR cannot connect to the warehouse" >&2
exit 3
SH
chmod +x failing-target
expect_exit 1 "failing external target" -- timeout 60 "$CHORUS" run tap-fixture ./failing-target --config 'tap-fixture={"records": 200000}'
expect_contains err "executable 'failing-target' exited with status 3" "external failure named"
expect_contains err "cannot connect to the warehouse" "external failure quotes its last error"
finish
