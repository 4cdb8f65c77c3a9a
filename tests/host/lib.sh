# Shared helpers of the host's scripted tests. Each test script sources this file; CTest sets
# CHORUS (the program) and FIXTURES (the fixture plugin folder).
set -u
: "${CHORUS:?CHORUS must point at the chorus program}"
: "${FIXTURES:?FIXTURES must point at the fixture plugin folder}"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/chorus-host-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
failures=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# expect_exit CODE DESCRIPTION -- command...: runs the command, keeps its stdout/stderr in
# $WORK/out and $WORK/err, checks the exit status.
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

# expect_contains FILE TEXT DESCRIPTION
expect_contains() {
  grep -qF -- "$2" "$1" || { fail "$3: '$2' not in $(basename "$1")"; sed 's/^/  | /' "$1" | tail -20 >&2; }
}

expect_not_contains() {
  if grep -qF -- "$2" "$1"; then fail "$3: '$2' found in $(basename "$1")"; fi
}

# json_get FILE PYTHON-EXPRESSION-ON-d
json_get() {
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"
}

finish() {
  if ((failures)); then
    echo "$failures check(s) failed" >&2
    exit 1
  fi
  echo "all checks passed"
}
