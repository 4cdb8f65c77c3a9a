#!/usr/bin/env bash
# Discovery, ABI refusals and about, through the chorus program.
source "$(dirname "$0")/lib.sh"

expect_exit 0 "plugins lists the fixture folder" -- "$CHORUS" plugins
expect_contains out "tap-fixture" "plugins"
expect_contains out "0.0.1" "plugins shows versions"

expect_exit 1 "a plugin of another ABI major is refused" -- "$CHORUS" about "$FIXTURES/tap-abi-major.so"
expect_contains err "plugin ABI 2.0, host ABI 1.0" "major refusal names both versions"
expect_exit 1 "a plugin needing a newer minor is refused" -- "$CHORUS" about "$FIXTURES/tap-abi-newer-minor.so"
expect_contains err "upgrade chorus" "newer minor refusal says what to do"
expect_exit 0 "a plugin of an older minor loads" -- "$CHORUS" about "$FIXTURES/tap-abi-older-minor.so"
expect_exit 1 "a library without the entry symbol is refused" -- "$CHORUS" about "$FIXTURES/tap-no-entry.so"
expect_contains err "chorus_plugin_entry" "missing entry"
expect_exit 1 "an unknown plugin name lists the folders searched" -- "$CHORUS" about tap-nonexistent
expect_contains err "CHORUS_PLUGIN_PATH" "not found message"

expect_exit 0 "about as JSON" -- "$CHORUS" about tap-fixture
python3 -c "import json,sys; d=json.load(open('out')); assert d['name']=='tap-fixture' and 'settings' in d" \
  || fail "about is not the plugin's JSON"
expect_exit 0 "about as Markdown" -- "$CHORUS" about tap-fixture --format markdown
expect_contains out "| \`password\` | string | no | yes |" "markdown flags the secret setting"
finish
