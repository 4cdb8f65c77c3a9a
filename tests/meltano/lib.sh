# Shared helpers of the Meltano scripts. CTest sets CHORUS (the program), CHORUS_PLUGIN_PATH
# (the build tree's plugins) and SINGER_PROGRAMS (the Python Singer programs in singer/).
source "$(dirname "${BASH_SOURCE[0]}")/../script_checks.sh"
: "${SINGER_PROGRAMS:?SINGER_PROGRAMS must point at tests/meltano/singer}"
python3 -c "import yaml" 2>/dev/null || { echo "PyYAML missing (python3-yaml)" >&2; exit 1; }

# Links named for the chorus plugins, made the way a user makes them, first on PATH; then the
# Python Singer programs.
"$CHORUS" install-links "$WORK/bin" tap-csv target-jsonl >"$WORK/links.log" 2>&1 ||
  { cat "$WORK/links.log" >&2; exit 1; }
export PATH="$WORK/bin:$SINGER_PROGRAMS:$PATH"

# write_rows FILE FIRST LAST: rows FIRST..LAST of a CSV with header id,name (header when the
# file is new).
write_rows() {
  [[ -f $1 ]] || echo "id,name" >"$1"
  for ((i = $2; i <= $3; i++)); do echo "$i,row $i" >>"$1"; done
}

# ids_in FILE: the "id" of each JSON line of FILE, comma separated, in file order.
ids_in() {
  python3 -c "import json,sys; print(','.join(str(json.loads(l)['id']) for l in open(sys.argv[1]) if l.strip()))" "$1"
}

# expect_plain_state FILE DESCRIPTION: FILE's JSON (a state) is a bookmark document, with no
# STATE message wrapped around it or nested anywhere inside.
expect_plain_state() {
  python3 - "$1" <<'PY' || fail "$2: the state is not a plain bookmark document: $(cat "$1")"
import json, sys
state = json.load(open(sys.argv[1]))
def wrapped(d):
    if isinstance(d, dict):
        if "value" in d or str(d.get("type", "")).upper() == "STATE":
            return True
        return any(wrapped(v) for v in d.values())
    return False
assert isinstance(state, dict) and "bookmarks" in state and not wrapped(state), state
PY
}
