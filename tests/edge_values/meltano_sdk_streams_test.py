#!/usr/bin/env python3
"""The Meltano SDK's target test streams through one target, with the SDK's expectations.

    meltano_sdk_streams_test.py TARGET     TARGET: sqlite, postgres, redshift, jsonl or csv

The streams are the SDK's own files (singer_sdk/testing/target_test_streams/), kept beside the
checkout in ../shared/conformance/meltano-sdk-target-streams/ and never copied into this
repository; without that folder the test is skipped (exit 77). As in the SDK's
target_tests.py: invalid_schema, record_before_schema, record_missing_key_property and
record_missing_required_property must fail with a clear error; every other stream must load,
its echoed states must be states it sent, in order, ending with the last, and each stream's
rows must be readable back (row counts per stream by the stream's keys).
"""

import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import edge_values_test as edge  # noqa: E402  (the same runner, readers and configs)

from stream_files import stream_file_stem

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


def streams_folder():
    """../shared/conformance/meltano-sdk-target-streams beside the checkout, or the folder
    CHORUS_SDK_TARGET_STREAMS names (a checkout kept elsewhere)."""
    if os.environ.get("CHORUS_SDK_TARGET_STREAMS"):
        return Path(os.environ["CHORUS_SDK_TARGET_STREAMS"])
    source = Path(os.environ.get("CHORUS_SOURCE_DIR", Path(__file__).resolve().parents[2]))
    return source.parent / "shared" / "conformance" / "meltano-sdk-target-streams"


def expected_rows(text, appends):
    """Per stream: the rows a table target ends with (keys de-duplicated), or with `appends`
    (file targets) every record."""
    keys, rows = {}, {}
    for line in text.split("\n"):
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
        if keys.get(stream) and not appends:
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
    if target == "jsonl":
        path = Path(workdir) / "out" / (stream_file_stem(stream) + ".jsonl")
        return len([line for line in path.read_text(encoding="utf-8").split("\n") if line])
    import csv
    with open(Path(workdir) / "out" / (stream_file_stem(stream) + ".csv"), newline="", encoding="utf-8") as handle:
        return len(list(csv.DictReader(handle)))


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
    missing = edge.missing_servers(target)
    if missing is not None:
        return missing
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
                    for stream, count in expected_rows(text, target in ("jsonl", "csv")).items():
                        try:
                            have = count_rows(target, workdir, schema, stream)
                        except Exception as error:  # a table or file that is not there
                            # A stream without records may have no table or file: nothing lost.
                            have = 0 if count == 0 else "unreadable (%s)" % error
                        edge.check(have == count, "%s: %s: stream %s has %s rows, expected %d" %
                                   (plugin, name, stream, have, count))
                # The SDK's own drain policy echoes 3 of the 5 states of
                # multiple_state_messages; chorus echoes a STATE once every record before it is
                # committed, a later one replacing a pending one. What both promise: the
                # echoed states are input states, in order, ending with the last one.
                sent = [json.loads(line)["value"] for line in text.split("\n")
                        if line.strip() and json.loads(line).get("type") == "STATE"]
                echoed = edge.echoed_states(result.stdout)
                position = 0
                for state in echoed:
                    while position < len(sent) and sent[position] != state:
                        position += 1
                    edge.check(position < len(sent), "%s: %s: echoed state %s was not sent "
                               "(or out of order)" % (plugin, name, state))
                edge.check(not sent or (echoed and echoed[-1] == sent[-1]),
                           "%s: %s: the last state %s is echoed last: %s" %
                           (plugin, name, sent[-1:] , echoed))
            if target in ("postgres", "redshift"):
                edge.psql_value('DROP SCHEMA IF EXISTS "%s" CASCADE' % schema)
    for failure in edge.failures:
        print("FAIL:", failure)
    print("%s: %d stream files, %d problem(s)" % (plugin, len(files), len(edge.failures)))
    return 1 if edge.failures else 0


if __name__ == "__main__":
    sys.exit(main())
