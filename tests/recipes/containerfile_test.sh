#!/usr/bin/env bash
# examples/scale-out/Containerfile, offline (no container engine here; check_containerfile.py
# says what is checked): the files it copies exist and configure, the commands it runs exist,
# its runtime packages are real Debian packages holding every library the program and plugins
# link, and it copies what `cmake --install` of this build puts under the prefix. A broken copy
# of it is refused, naming each defect.
source "$(dirname "$0")/../script_checks.sh"
: "${CHORUS_BUILD_DIR:?CHORUS_BUILD_DIR must be the build folder}"
here=$(cd "$(dirname "$0")" && pwd)
repository=$(cd "$here/../.." && pwd)
containerfile=$repository/examples/scale-out/Containerfile

mkdir good
expect_exit 0 "the Containerfile's offline checks" -- \
  python3 "$here/check_containerfile.py" "$containerfile" "$repository" "$CHORUS_BUILD_DIR" "$CHORUS" good
cat out

# broken NAME SED-ARGUMENT...: a copy of the Containerfile edited by sed, checked into NAME/.
broken() {
  local name=$1
  shift
  sed "$@" "$containerfile" >"Containerfile.$name"
  cmp -s "Containerfile.$name" "$containerfile" && fail "$name: the edit changed nothing"
  mkdir "$name"
  expect_exit 1 "a Containerfile with $name" -- python3 "$here/check_containerfile.py" \
    "Containerfile.$name" "$repository" "$CHORUS_BUILD_DIR" "$CHORUS" "$name"
}
broken packages-and-commands -e 's/ libpq5 / /' -e 's/libsimdjson14/libsimdjson99/' \
  -e 's|^COPY plugins/ plugins/|COPY mappers/ mappers/|' -e 's|^RUN find |RUN chorus-healthcheck \&\& find |'
expect_contains err "the runtime stage lacks libpq5" "a library's package left out is named"
expect_contains err "runtime package libsimdjson99 is not a Debian package" "a package that does not exist is named"
expect_contains err "COPY mappers/: no such file or folder" "a COPY of nothing is named"
expect_contains err "RUN runs chorus-healthcheck, which is not a command" "a command that does not exist is named"
expect_contains err "does not build mapper-pii, which this repository installs" "a plugin folder left out is found"
broken no-cmake-folder -e '/^COPY cmake\/ cmake\//d'
expect_contains err "the tree the build stage copies does not configure" "a folder the configure step needs, left out, is found"
finish
