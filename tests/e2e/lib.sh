# Shared helpers of the end-to-end scripts. CTest sets CHORUS (the program) and
# CHORUS_PLUGIN_PATH (the build tree's plugins).
set -u
: "${CHORUS:?CHORUS must point at the chorus program}"
command -v sqlite3 >/dev/null || { echo "sqlite3 CLI missing (scripts/install-deps.sh installs it)" >&2; exit 1; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/chorus-e2e.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
failures=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# expect_exit CODE DESCRIPTION -- command...; output in $WORK/out, $WORK/err
expect_exit() {
  local want=$1 what=$2
  shift 3
  "$@" >"$WORK/out" 2>"$WORK/err"
  local got=$?
  if [[ $got != "$want" ]]; then
    fail "$what: exit $got, expected $want"
    sed 's/^/  | /' "$WORK/err" | tail -20 >&2
  fi
}

expect_contains() {
  grep -qF -- "$2" "$1" || { fail "$3: '$2' not in $(basename "$1")"; sed 's/^/  | /' "$1" | tail -20 >&2; }
}

expect_equal() {  # got want description
  [[ "$1" == "$2" ]] || fail "$3: got '$1', expected '$2'"
}

# write_orders FILE FIRST LAST: orders FIRST..LAST, LastUpdated rising with the id.
write_orders() {
  python3 - "$@" <<'PY'
import sys
path, first, last = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(path, "a") as f:
    if first == 1:
        f.write("OrderId,Customer,Amount,LastUpdated\n")
    for i in range(first, last + 1):
        f.write(f"{i},customer {i % 97},{i * 3}.25,2024-01-01T00:00:00Z\n".replace(
            "2024-01-01T00:00:00Z", f"2024-{1 + i // 100000:02d}-01T{(i // 3600) % 24:02d}:{(i // 60) % 60:02d}:{i % 60:02d}Z"))
PY
}

finish() {
  if ((failures)); then
    echo "$failures check(s) failed" >&2
    exit 1
  fi
  echo "all checks passed"
}
