#!/usr/bin/env bash
# Live progress comes from the host's own counts, whatever the target: on a terminal (a pty made
# by script(1)) the progress line shows the records moving; elsewhere a progress log line comes
# every --progress-interval seconds.
source "$(dirname "$0")/lib.sh"
command -v script >/dev/null || { echo "script(1) missing (util-linux)" >&2; exit 1; }

cat >slow-tap <<'PY'
#!/usr/bin/env python3
# 30 records over about three seconds, then a STATE.
import json, time
print(json.dumps({"type": "SCHEMA", "stream": "s", "key_properties": ["id"],
                  "schema": {"type": "object", "properties": {"id": {"type": "integer"}}}}), flush=True)
for i in range(1, 31):
    print(json.dumps({"type": "RECORD", "stream": "s", "record": {"id": i}}), flush=True)
    time.sleep(0.1)
print(json.dumps({"type": "STATE", "value": {"bookmarks": {"s": {"n": 30}}}}), flush=True)
PY
chmod +x slow-tap

for target in target-sqlite target-jsonl; do
  case $target in
    target-sqlite) config='{"database":"out.db"}' ;;
    target-jsonl) config='{"destination_path":"jsonl-out"}' ;;
  esac
  [[ -f $CHORUS_PLUGINS/$target.so ]] || { fail "$target.so not built in $CHORUS_PLUGINS"; continue; }
  printf -v command '%q run ./slow-tap %q --config %q' "$CHORUS" "$CHORUS_PLUGINS/$target.so" "$target=$config"
  script -qec "$command" /dev/null >tty.out 2>&1 </dev/null || fail "$target under a pty: exit $?"
  # The progress line is rewritten in place with \r; any of its versions showing records will do.
  tr '\r' '\n' <tty.out >tty.lines
  grep -qE "slow-tap -> $target: [0-9]+ s, s: [1-9][0-9]* records \([0-9]+/s\)" tty.lines ||
    { fail "$target: no progress line with records on the terminal"; tail -5 tty.lines >&2; }
  grep -qF "run succeeded: 30 records read, 30 committed" tty.lines || fail "$target: run did not succeed under the pty"

  expect_exit 0 "$target with progress log lines" -- "$CHORUS" run ./slow-tap "$CHORUS_PLUGINS/$target.so" \
    --config "$target=$config" --progress-interval 1
  grep -qE "progress: slow-tap -> $target: [0-9]+ s, s: [1-9][0-9]* records" err ||
    { fail "$target: no progress log line with records"; tail -5 err >&2; }
done

expect_exit 0 "progress log lines off" -- "$CHORUS" run ./slow-tap "$CHORUS_PLUGINS/target-jsonl.so" \
  --config 'target-jsonl={"destination_path":"jsonl-out2"}' --progress-interval 0
expect_not_contains err "progress:" "--progress-interval 0 turns the log lines off"
finish
