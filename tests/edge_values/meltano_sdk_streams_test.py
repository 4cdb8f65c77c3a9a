#!/usr/bin/env python3
"""The Meltano SDK's target test streams through one target, with the SDK's expectations.

    meltano_sdk_streams_test.py TARGET     TARGET: sqlite, postgres, redshift, jsonl or csv

The streams are the SDK's own files (singer_sdk/testing/target_test_streams/), kept beside the
checkout in ../shared/conformance/meltano-sdk-target-streams/ and never copied into this
repository; without that folder the test is skipped (exit 77). As in the SDK's
target_tests.py: invalid_schema, record_before_schema, record_missing_key_property and
record_missing_required_property must fail with a clear error; every other stream must load,
multiple_state_messages must echo exactly the SDK's three states, and each stream's last
records must be readable back (row counts per stream by the stream's keys).
"""

import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import edge_values_test as edge  # noqa: E402  (the same runner, readers and configs)

SKIP = 77
MUST_FAIL = {
    # file name: words the error must contain
    "invalid_schema": ["test_invalid_schema", "properties"],
    "record_before_schema": ["before its SCHEMA"],
    "record_missing_key_property": ["test_record_missing_key_property", "'id'"],
    "record_missing_required_property": ["test_record_missing_required_property", "'id'",
                                         "required"],
}
# What a database cannot store is refused, not changed: PostgreSQL text and jsonb (and Redshift
# VARCHAR) cannot hold U+0000, which encoded_string_data sends (line 12). The SDK expects it to
# load; a target that loads it there has changed the value.
MUST_FAIL_IN = {
    "postgres": {"encoded_string_data": ["test_strings", "line 12", "'info'", "U+0000"]},
    "redshift": {"encoded_string_data": ["test_strings", "line 12", "'info'", "U+0000"]},
}
STATES = {
    "multiple_state_messages": [
        {"test_multiple_state_messages_a": 1, "test_multiple_state_messages_b": 0},
        {"test_multiple_state_messages_a": 3, "test_multiple_state_messages_b": 2},
        {"test_multiple_state_messages_a": 5, "test_multiple_state_messages_b": 6},
    ],
}


def streams_folder():
    source = Path(os.environ.get("CHORUS_SOURCE_DIR", Path(__file__).resolve().parents[2]))
    return source.parent / "shared" / "conformance" / "meltano-sdk-target-streams"


def expected_rows(text):
    """Per stream: the number of rows a table target ends with (keys de-duplicated)."""
    keys, rows = {}, {}
    for line in text.splitlines():
        if not line.strip():
            continue
        message = json.loads(line)
        if message.get("type") == "SCHEMA":
            keys[message["stream"]] = message.get("key_properties") or []
            rows.setdefault(message["stream"], [])
        elif message.get("type") == "RECORD":
            stream = message["stream"]
            key = keys.get(stream) or []
            record = message["record"]
            rows.setdefault(stream, []).append(
                tuple(json.dumps(record.get(k)) for k in key) if key else None)
    counts = {}
    for stream, seen in rows.items():
        if keys.get(stream):
            counts[stream] = len(set(seen))
        else:
            counts[stream] = len(seen)
    return counts


def count_rows(target, workdir, schema, stream):
    if target == "sqlite":
        import sqlite3
        db = sqlite3.connect(str(Path(workdir) / "out.db"))
        return db.execute('SELECT count(*) FROM "%s"' % stream).fetchone()[0]
    if target in ("postgres", "redshift"):
        table = stream.split("-", 1)[-1].lower() if target == "redshift" else stream.split("-", 1)[-1]
        return int(edge.psql_value('SELECT count(*) FROM "%s"."%s"' % (schema, table)))
    suffix = ".jsonl" if target == "jsonl" else ".csv"
    path = Path(workdir) / "out" / (stream + suffix)
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line]
    return len(lines) - (1 if target == "csv" else 0)


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    target = sys.argv[1]
    folder = streams_folder()
    if not folder.is_dir():
        print("skipped: the Meltano SDK target test streams are not at %s (CI keeps "
              "../shared/conformance/ beside the checkout)" % folder)
        return SKIP
    if target in ("postgres", "redshift") and not os.environ.get("CHORUS_TEST_PG_HOST"):
        print("skipped: CHORUS_TEST_PG_HOST is not set (source build/services/env after "
              "scripts/test-services.sh start)")
        return SKIP
    plugin = "target-" + target
    files = sorted(folder.glob("*.singer"))
    edge.check(len(files) >= 20, "expected the SDK's 20+ stream files in %s" % folder)
    for path in files:
        name = path.stem
        text = path.read_text(encoding="utf-8")
        with tempfile.TemporaryDirectory() as workdir:
            schema = edge.unique("sdk")
            result = edge.run_target(plugin, edge.config_for(target, workdir, schema), text, workdir)
            stderr = result.stderr.decode(errors="replace")
            must_fail = dict(MUST_FAIL, **MUST_FAIL_IN.get(target, {}))
            if name in must_fail:
                edge.check(result.returncode != 0, "%s: %s must fail, exit 0" % (plugin, name))
                for word in must_fail[name]:
                    edge.check(word in stderr, "%s: %s: the error names %r: %s" %
                               (plugin, name, word, stderr[-800:]))
            else:
                edge.check(result.returncode == 0, "%s: %s must load, exit %d: %s" %
                           (plugin, name, result.returncode, stderr[-1500:]))
                if result.returncode == 0:
                    for stream, count in expected_rows(text).items():
                        try:
                            have = count_rows(target, workdir, schema, stream)
                        except Exception as error:  # a table or file that is not there
                            have = "unreadable (%s)" % error
                        edge.check(have == count, "%s: %s: stream %s has %s rows, expected %d" %
                                   (plugin, name, stream, have, count))
                if name in STATES:
                    states = [json.loads(line) for line in result.stdout.decode().splitlines()
                              if line.strip()]
                    edge.check(states == STATES[name], "%s: %s: states %s" % (plugin, name, states))
            if target in ("postgres", "redshift"):
                edge.psql_value('DROP SCHEMA IF EXISTS "%s" CASCADE' % schema)
    for failure in edge.failures:
        print("FAIL:", failure)
    print("%s: %d stream files, %d problem(s)" % (plugin, len(files), len(edge.failures)))
    return 1 if edge.failures else 0


if __name__ == "__main__":
    sys.exit(main())
