# Checks shared by the scripted tests (tests/host, tests/e2e, ...): each test sources its area's
# lib.sh, which sources this file. CTest sets CHORUS (the program). A test records failures with
# fail/expect_* and ends with finish, so one run reports every broken check, not just the first.
set -u
: "${CHORUS:?CHORUS must point at the chorus program}"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/chorus-test.XXXXXX")
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

# expect_contains_any_case FILE TEXT DESCRIPTION: as expect_contains, ignoring case (for
# messages that come from servers or libraries in their own capitalisation).
expect_contains_any_case() {
  grep -qiF -- "$2" "$1" || { fail "$3: '$2' not in $(basename "$1")"; sed 's/^/  | /' "$1" | tail -20 >&2; }
}

expect_not_contains() {
  if grep -qF -- "$2" "$1"; then fail "$3: '$2' found in $(basename "$1")"; fi
}

expect_equal() {  # got want description
  [[ "$1" == "$2" ]] || fail "$3: got '$1', expected '$2'"
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

# need_servers VARIABLE...: the scripts' form of the one guard for tests that need a server
# (tests/service_env.h): when a variable is unset, the test fails if the servers are required
# (CHORUS_REQUIRE_SERVICES, set by scripts/test.sh), else it is skipped (exit 77, CTest's
# SKIP_RETURN_CODE), never passed.
need_servers() {
  local variable
  for variable in "$@"; do
    [[ -n "${!variable:-}" ]] && continue
    if [[ -n "${CHORUS_REQUIRE_SERVICES:-}" && "${CHORUS_REQUIRE_SERVICES}" != 0 ]]; then
      echo "required test server missing: $variable not set" >&2
      exit 1
    fi
    echo "skipped: $variable not set (start scripts/test-services.sh and source its env)"
    exit 77
  done
}
