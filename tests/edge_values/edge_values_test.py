#!/usr/bin/env python3
"""The edge-value corpus through one target, read back with a client chorus did not write.

    edge_values_test.py TARGET     TARGET: sqlite, postgres, redshift, jsonl or csv

Every value of the corpus must come back exactly (compared as exact decimals, parsed times or
JSON documents, never as floats), and every case the target cannot store must fail with an
error naming the stream, the Singer line, the property and the value. CTest sets CHORUS and
CHORUS_PLUGIN_PATH; postgres and redshift (on its PostgreSQL stand-in, staging in s3rver) need
the servers of scripts/test-services.sh (their CHORUS_TEST_* settings) and are skipped (exit
77) without them.
"""

import csv
import datetime
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

from stream_files import stream_file_stem

SKIP = 77
CHORUS = os.environ.get("CHORUS", "chorus")
MEGABYTE = "x" * (1 << 20)
ESCAPES = "quote \" backslash \\ slash / \b\f\n\r\t tab é 漢字 😀 \u2028 end"
LONG_NAME = "n" * 200
HOSTILE = "drop table x; --"
UNICODE_NAME = "Ünïcødé 名前"
RESERVED = "select"

failures = []
# File targets write each record as sent (no upserts, deletes or versions are applied).
APPEND_ONLY_FILES = False


def check(condition, what):
    if not condition:
        failures.append(what)


# The corpus: (properties of the schema, rows). Each row's values are the JSON text sent.
EDGE_PROPERTIES = {
    "id": {"type": "integer"},
    "wide": {"type": ["number", "null"]},
    "tiny": {"type": ["number", "null"]},
    "huge": {"type": ["number", "null"]},
    "count": {"type": ["integer", "null"]},
    "label": {"type": ["string", "null"]},
    "big_text": {"type": ["string", "null"]},
    "at": {"type": ["string", "null"], "format": "date-time"},
    "day": {"type": ["string", "null"], "format": "date"},
    "clock": {"type": ["string", "null"], "format": "time"},
    "doc": {"type": ["object", "null"]},
    "tags": {"type": ["array", "null"]},
    HOSTILE: {"type": ["string", "null"]},
    UNICODE_NAME: {"type": ["string", "null"]},
    RESERVED: {"type": ["string", "null"]},
    LONG_NAME: {"type": ["string", "null"]},
}


def edge_rows(target):
    """The rows as raw JSON texts per property: numbers stay digit for digit."""
    huge = ["1e999", "1e-999", "1180591620717411303425"]
    if target == "redshift":
        huge = [None, None, None]  # NUMERIC(38,s) cannot: refused, see refusals()
    big_text = "é" * 32767 if target == "redshift" else MEGABYTE  # 65,534 bytes: fits
    return [
        {"id": "1", "wide": "99999999999999999999999999999999999999", "tiny": "1e-30",
         "huge": huge[0], "count": "9223372036854775807", "label": json.dumps(ESCAPES),
         "big_text": json.dumps(big_text), "at": '"1899-12-31T23:59:59.123456+05:30"',
         "day": '"0001-01-01"', "clock": '"12:30:00+09:00"',
         "doc": '{"a":{"b":[1,2.50,{"c":null}]},"e":"\\u00e9"}', "tags": '[1,"two",null]',
         HOSTILE: '"h"', UNICODE_NAME: '"u"', RESERVED: '"r"', LONG_NAME: '"l"'},
        {"id": "2", "wide": "123456789012345678901234567890", "tiny": "1.23e-28",
         "huge": huge[1], "count": "-9223372036854775808", "label": '""',
         "at": '"2024-02-29T12:00:00Z"', "day": '"9999-12-31"', "clock": '"23:59:59.999999Z"',
         "doc": "{}", "tags": "[]"},
        {"id": "3", "wide": "1.5E+3", "tiny": "0.1", "huge": huge[2], "count": "0",
         "label": "null", "at": '"2026-05-01T01:39:00-08:00"'},
        {"id": "4", "wide": "-0", "tiny": "-0.5"},
    ]


def record_line(stream, values):
    fields = ",".join(json.dumps(name) + ":" + text for name, text in values.items()
                      if text is not None)
    return '{"type":"RECORD","stream":"%s","record":{%s}}' % (stream, fields)


def schema_line(stream, properties, keys):
    return json.dumps({"type": "SCHEMA", "stream": stream, "schema":
                       {"type": "object", "properties": properties}, "key_properties": keys})


DELETED = "2026-11-02T10:00:00Z"
CHANGES_V1 = {"id": {"type": "integer"}, "name": {"type": ["string", "null"]},
              "qty": {"type": ["integer", "null"]}, "code": {"type": ["integer", "null"]},
              "_sdc_deleted_at": {"type": ["string", "null"], "format": "date-time"}}
CHANGES_V2 = dict(CHANGES_V1, code={"type": ["string", "null"]},
                  extra={"type": ["string", "null"]})


def corpus(target):
    lines = [schema_line("edge", EDGE_PROPERTIES, ["id"])]
    lines += [record_line("edge", row) for row in edge_rows(target)]
    lines += [
        schema_line("changes", CHANGES_V1, ["id"]),
        # In one batch: an insert, an update, then a change log's delete (key + marker only).
        record_line("changes", {"id": "1", "name": '"a"', "qty": "5", "code": "7"}),
        record_line("changes", {"id": "1", "name": '"b"', "qty": "6", "code": "8"}),
        record_line("changes", {"id": "1", "_sdc_deleted_at": json.dumps(DELETED)}),
        # A duplicate key: the last one wins.
        record_line("changes", {"id": "2", "name": '"first"', "code": "1"}),
        record_line("changes", {"id": "2", "name": '"second"', "code": "2", "surprise": "1"}),
        # A delete that carries values.
        record_line("changes", {"id": "3", "name": '"gone"', "_sdc_deleted_at": json.dumps(DELETED)}),
        '{"type":"STATE","value":{"bookmarks":{"changes":{"at":1}}}}',
        # Mid-stream, code becomes a string and a property is added.
        schema_line("changes", CHANGES_V2, ["id"]),
        record_line("changes", {"id": "4", "name": '"new"', "code": '"A-1"', "extra": '"e"'}),
        schema_line("versions", {"id": {"type": "integer"}}, ["id"]),
        '{"type":"ACTIVATE_VERSION","stream":"versions","version":1}',
        '{"type":"RECORD","stream":"versions","record":{"id":1},"version":1}',
        '{"type":"RECORD","stream":"versions","record":{"id":2},"version":1}',
        '{"type":"ACTIVATE_VERSION","stream":"versions","version":1}',
        '{"type":"RECORD","stream":"versions","record":{"id":2},"version":2}',
        '{"type":"ACTIVATE_VERSION","stream":"versions","version":2}',
        '{"type":"STATE","value":{"bookmarks":{"changes":{"at":2}}}}',
    ]
    return "\n".join(lines) + "\n"


# --- running a target ----------------------------------------------------------------------

def run_target(plugin, config, text, workdir):
    config_path = Path(workdir) / "config.json"
    config_path.write_text(json.dumps(config))
    return subprocess.run([CHORUS, "exec", plugin, "--", "--config", str(config_path)],
                          input=text.encode(), capture_output=True, cwd=workdir)


def echoed_states(stdout):
    """The state values a target echoed: bare (as Singer targets print them) or as STATE
    messages."""
    states = []
    for line in stdout.decode().split("\n"):
        if line.strip():
            message = json.loads(line)
            is_message = isinstance(message, dict) and message.get("type") == "STATE"
            states.append(message["value"] if is_message else message)
    return states


# The test servers each target needs: postgres its PostgreSQL, redshift its PostgreSQL stand-in
# and the S3 server it stages through.
SERVER_VARIABLES = {"postgres": ["CHORUS_TEST_PG_HOST"],
                    "redshift": ["CHORUS_TEST_PG_HOST", "CHORUS_TEST_S3_ENDPOINT"]}


def missing_servers(target):
    """The scripts' form of the one server guard (need_servers in tests/script_checks.sh): None
    when the target's servers are set in the environment; else the exit status, 1 (a failure)
    when CHORUS_REQUIRE_SERVICES says the servers are required, SKIP otherwise."""
    for variable in SERVER_VARIABLES.get(target, []):
        if os.environ.get(variable):
            continue
        if os.environ.get("CHORUS_REQUIRE_SERVICES", "0") not in ("", "0"):
            print("required test server missing: %s not set" % variable, file=sys.stderr)
            return 1
        print("skipped: %s is not set (source build/services/env after "
              "scripts/test-services.sh start)" % variable)
        return SKIP
    return None


def unique(what):
    return "%s_%d_%d" % (what, os.getpid(), datetime.datetime.now().microsecond)


def pg_env():
    env = dict(os.environ, PGPASSWORD=os.environ.get("CHORUS_TEST_PG_PASSWORD", ""),
               PGOPTIONS="-c TimeZone=UTC")
    return env


def psql_json(sql):
    """The rows of `sql` as JSON objects, via psql (row_to_json on the server)."""
    out = subprocess.run(
        ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
         "-h", os.environ["CHORUS_TEST_PG_HOST"], "-p", os.environ["CHORUS_TEST_PG_PORT"],
         "-U", os.environ["CHORUS_TEST_PG_USER"], "-d", os.environ["CHORUS_TEST_PG_DBNAME"],
         "-c", "SELECT row_to_json(t)::text FROM (%s) t" % sql],
        capture_output=True, env=pg_env(), check=True)
    return [json.loads(line, parse_float=Decimal) for line in out.stdout.decode().split("\n")
            if line]


def psql_value(sql):
    out = subprocess.run(
        ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
         "-h", os.environ["CHORUS_TEST_PG_HOST"], "-p", os.environ["CHORUS_TEST_PG_PORT"],
         "-U", os.environ["CHORUS_TEST_PG_USER"], "-d", os.environ["CHORUS_TEST_PG_DBNAME"],
         "-c", sql], capture_output=True, env=pg_env(), check=True)
    return out.stdout.decode().strip()


def config_for(target, workdir, schema):
    if target == "sqlite":
        return {"database": str(Path(workdir) / "out.db")}
    if target in ("jsonl", "csv"):
        return {"destination_path": str(Path(workdir) / "out")}
    connection = {"host": os.environ["CHORUS_TEST_PG_HOST"],
                  "port": int(os.environ["CHORUS_TEST_PG_PORT"]),
                  "user": os.environ["CHORUS_TEST_PG_USER"],
                  "password": os.environ["CHORUS_TEST_PG_PASSWORD"],
                  "dbname": os.environ["CHORUS_TEST_PG_DBNAME"], "sslmode": "disable",
                  "default_target_schema": schema}
    if target == "postgres":
        return connection
    return dict(connection, s3_bucket=os.environ["CHORUS_TEST_S3_BUCKET"],
                s3_endpoint_url=os.environ["CHORUS_TEST_S3_ENDPOINT"],
                s3_region=os.environ["CHORUS_TEST_S3_REGION"], s3_key_prefix=schema,
                aws_access_key_id=os.environ["CHORUS_TEST_S3_ACCESS_KEY_ID"],
                aws_secret_access_key=os.environ["CHORUS_TEST_S3_SECRET_ACCESS_KEY"],
                copy_executor="postgres-standin")


# --- reading back --------------------------------------------------------------------------

def by_prefix(row, name):
    """The value of the column a property became (long names are shortened, case folded)."""
    for column, value in row.items():
        if column == name or column.lower() == name.lower():
            return value
    for column, value in row.items():
        if len(name) > 40 and column.lower().startswith(name[:40].lower()):
            return value
    if APPEND_ONLY_FILES:
        return None  # a JSON Lines record lists only what the tap sent
    raise KeyError(name)


def rows_of(target, workdir, schema, stream):
    """Rows of a stream keyed by id, as {column: python value}, numbers as Decimal or text."""
    if target == "sqlite":
        db = sqlite3.connect(str(Path(workdir) / "out.db"))
        db.row_factory = sqlite3.Row
        rows = [dict(r) for r in db.execute('SELECT * FROM "%s"' % stream)]
        return {int(r["id"]): r for r in rows}
    if target in ("postgres", "redshift"):
        return {int(r["id"]): r for r in psql_json('SELECT * FROM "%s"."%s"' % (schema, stream))}
    if target == "jsonl":
        path = Path(workdir) / "out" / (stream_file_stem(stream) + ".jsonl")
        rows = [json.loads(line, parse_float=Decimal, parse_int=Decimal)
                for line in path.read_text(encoding="utf-8").split("\n") if line]
        return {int(r["id"]): r for r in rows}
    path = Path(workdir) / "out" / (stream_file_stem(stream) + ".csv")
    csv.field_size_limit(1 << 30)  # the corpus has a megabyte string
    with open(path, newline="", encoding="utf-8") as handle:
        return {int(r["id"]): r for r in csv.DictReader(handle)}


def as_decimal(value):
    if value is None or value == "":
        return None
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(str(value))


def as_time(text):
    if text is None:
        return None
    text = str(text).replace(" ", "T")
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    if len(text) >= 3 and text[-3] in "+-" and ":" not in text[-3:]:
        text += ":00"  # PostgreSQL prints "+00"
    if "T" in text or len(text) > 10 and text[4] == "-":
        return datetime.datetime.fromisoformat(text).astimezone(datetime.timezone.utc)
    return datetime.time.fromisoformat(text)


def as_clock(text):
    """A time with offset as seconds after midnight UTC (timetz compares that way)."""
    if text is None:
        return None
    text = str(text)
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    if len(text) >= 3 and text[-3] in "+-" and ":" not in text[-3:]:
        text += ":00"
    t = datetime.time.fromisoformat(text)
    offset = t.utcoffset().total_seconds() if t.utcoffset() is not None else 0
    return (t.hour * 3600 + t.minute * 60 + t.second + t.microsecond / 1e6 - offset) % 86400


def as_json(value):
    if value is None or value == "":
        return None
    if isinstance(value, (dict, list)):
        return value  # psql_json parsed it already (numbers as Decimal or int)
    return json.loads(value, parse_float=Decimal, parse_int=Decimal)


def sent_json(text):
    return None if text is None else json.loads(text, parse_float=Decimal, parse_int=Decimal)


def verify_edge(target, rows):
    sent = {int(r["id"]): r for r in edge_rows(target)}
    check(sorted(rows) == sorted(sent), "edge rows: %s" % sorted(rows))
    for key, row in sent.items():
        got = rows.get(key)
        if got is None:
            continue
        for name in ("wide", "tiny", "huge", "count"):
            want = as_decimal(sent_json(row.get(name)) if row.get(name) else None)
            have = as_decimal(by_prefix(got, name))
            check(want == have, "edge id %d %s: sent %s, read %r" % (key, name, row.get(name),
                                                                      by_prefix(got, name)))
        for name in ("label", "big_text", "day", HOSTILE, UNICODE_NAME, RESERVED, LONG_NAME):
            want = sent_json(row.get(name))
            have = by_prefix(got, name)
            if target == "csv" and want is None:
                want = ""  # CSV has no NULL
            if name == "day" and have is not None and not isinstance(have, str):
                have = str(have)
            check(want == have, "edge id %d %s: sent %.80r, read %.80r" % (key, name, want, have))
        want_at = as_time(sent_json(row.get("at")))
        check(want_at == as_time(by_prefix(got, "at") or None),
              "edge id %d at: sent %s, read %r" % (key, row.get("at"), by_prefix(got, "at")))
        want_clock = as_clock(sent_json(row.get("clock")))
        check(want_clock == as_clock(by_prefix(got, "clock") or None),
              "edge id %d clock: sent %s, read %r" % (key, row.get("clock"), by_prefix(got, "clock")))
        for name in ("doc", "tags"):
            want = sent_json(row.get(name))
            check(want == as_json(by_prefix(got, name)),
                  "edge id %d %s: sent %s, read %r" % (key, name, row.get(name), by_prefix(got, name)))
    if target == "sqlite":
        # Each number in the storage class that holds it exactly.
        check(isinstance(rows[1]["wide"], str), "sqlite: 38 digits kept as TEXT")
        check(rows[3]["wide"] == "1.5E+3", "sqlite: 1.5E+3 kept as sent: %r" % rows[3]["wide"])
        check(rows[4]["tiny"] == -0.5 and isinstance(rows[4]["tiny"], float), "sqlite: -0.5 REAL")
        check(str(rows[4]["wide"]) == "-0.0", "sqlite: -0 kept as REAL -0.0: %r" % rows[4]["wide"])
        check(rows[1]["huge"] == "1e999" and rows[2]["huge"] == "1e-999", "sqlite: 1e999 as text")
        check(isinstance(rows[1]["count"], int), "sqlite: int64 bounds as INTEGER")


def verify_changes(target, rows, schema):
    check(sorted(rows) == [1, 2, 3, 4], "changes rows: %s" % sorted(rows))
    deleted = lambda r: by_prefix(r, "_sdc_deleted_at") not in (None, "")
    if 1 in rows:
        check(by_prefix(rows[1], "name") == "b" and str(by_prefix(rows[1], "qty")) == "6" and
              deleted(rows[1]), "changes id 1 (insert, update, key-only delete in one batch) "
              "must keep the update's values: %r" % {k: rows[1][k] for k in list(rows[1])[:6]})
    if 2 in rows:
        check(by_prefix(rows[2], "name") == "second", "changes id 2: last duplicate wins")
    if 3 in rows:
        check(by_prefix(rows[3], "name") == "gone" and deleted(rows[3]), "changes id 3")
    if target == "postgres":
        kind = psql_value("SELECT data_type FROM information_schema.columns WHERE table_schema='%s' "
                          "AND table_name='changes' AND column_name='code'" % schema)
        side = psql_value("SELECT count(*) FROM information_schema.columns WHERE table_schema='%s' "
                          "AND table_name='changes' AND column_name LIKE 'code__v%%'" % schema)
        check(kind == "text" and side == "0", "postgres widens code in place: %s, %s" % (kind, side))
        check(str(by_prefix(rows[1], "code")) == "8" and by_prefix(rows[4], "code") == "A-1",
              "postgres: code history kept in one column")


def verify_versions(target, rows):
    live = [k for k, r in rows.items() if by_prefix(r, "_sdc_deleted_at") in (None, "")]
    check(live == [2], "versions: only id 2 is live after ACTIVATE_VERSION 2: %s" % live)


# --- refusals ------------------------------------------------------------------------------

def refusals(target):
    """(name, lines, words the error must contain) per case the target must refuse."""
    cases = [
        ("invalid schema", [schema_line("fish", {"id": {"type": "fish"}}, [])],
         ["fish", "line 1", "not a JSON Schema type"]),
        ("schema without properties",
         [json.dumps({"type": "SCHEMA", "stream": "bare", "schema": {"type": "object"},
                      "key_properties": []})], ["bare", "line 1", "properties"]),
    ]
    if target in ("postgres", "redshift"):
        cases.append(("two streams into one table",
                      [schema_line("sales-orders", {"id": {"type": "integer"}}, ["id"]),
                       schema_line("archive-orders", {"id": {"type": "integer"}}, ["id"])],
                      ["sales-orders", "archive-orders", "table_names"]))
    if target == "sqlite":
        cases.append(("integer beyond 64 bits",
                      [schema_line("ints", {"n": {"type": "integer"}}, []),
                       record_line("ints", {"n": "1180591620717411303425"})],
                      ["ints", "line 2", "'n'", "1180591620717411303425", "64-bit"]))
        cases.append(("two streams into one table",
                      [schema_line("Orders", {"id": {"type": "integer"}}, ["id"]),
                       schema_line("orders", {"id": {"type": "integer"}}, ["id"])],
                      ["'Orders'", "'orders'", "table_names"]))
    if target in ("postgres", "redshift"):
        cases.append(("integer beyond bigint",
                      [schema_line("ints", {"n": {"type": "integer"}}, []),
                       record_line("ints", {"n": "1"}),
                       record_line("ints", {"n": "1180591620717411303425"})],
                      ["ints", "line 3", "'n'", "1180591620717411303425", "range"]))
    if target == "postgres":
        cases.append(("U+0000 in text",
                      [schema_line("nul", {"v": {"type": "string"}}, [])] +
                      [record_line("nul", {"v": '"ok"'})] * 19 +
                      [record_line("nul", {"v": '"a\\u0000b"'})],
                      ["nul", "line 21", "'v'", "U+0000", "PostgreSQL text cannot hold"]))
    if target == "postgres":
        # Valid RFC 3339, but PostgreSQL has no year 0: its COPY error is mapped to the record.
        cases.append(("a date PostgreSQL refuses",
                      [schema_line("days", {"id": {"type": "integer"},
                                            "day": {"type": "string", "format": "date"}}, ["id"]),
                       record_line("days", {"id": "1", "day": '"2024-01-01"'}),
                       record_line("days", {"id": "2", "day": '"2024-01-02"'}),
                       record_line("days", {"id": "3", "day": '"0000-01-01"'})],
                      ["days", "line 4", "'day'", "0000-01-01"]))
    if target == "redshift":
        cases.append(("1e999 in a bounded decimal",
                      [schema_line("nums", {"n": {"type": "number"}}, []),
                       record_line("nums", {"n": "1e999"})],
                      ["nums", "line 2", "'n'", "1e999", "digits before the point"]))
        cases.append(("text over 65,535 bytes",
                      [schema_line("texts", {"v": {"type": "string"}}, []),
                       record_line("texts", {"v": json.dumps("é" * 32768)})],
                      ["texts", "line 2", "'v'", "65536 bytes", "65535"]))
    return cases


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    target = sys.argv[1]
    missing = missing_servers(target)
    if missing is not None:
        return missing
    plugin = "target-" + target
    global APPEND_ONLY_FILES
    APPEND_ONLY_FILES = target in ("jsonl", "csv")
    with tempfile.TemporaryDirectory() as workdir:
        schema = unique("edge")
        result = run_target(plugin, config_for(target, workdir, schema), corpus(target), workdir)
        stderr = result.stderr.decode(errors="replace")
        check(result.returncode == 0, "%s exited %d: %s" % (plugin, result.returncode, stderr[-3000:]))
        if result.returncode == 0:
            verify_edge(target, rows_of(target, workdir, schema, "edge"))
            if not APPEND_ONLY_FILES:
                verify_changes(target, rows_of(target, workdir, schema, "changes"), schema)
                verify_versions(target, rows_of(target, workdir, schema, "versions"))
            check(stderr.count("has property 'surprise', which the stream's schema does not "
                               "declare") == 1,
                  "the undeclared property 'surprise' is warned about once: %s" % stderr[-2000:])
        states = echoed_states(result.stdout)
        check(states[-1:] == [{"bookmarks": {"changes": {"at": 2}}}],
              "the last STATE is echoed: %s" % states[-1:])
        if target in ("postgres", "redshift"):
            psql_value('DROP SCHEMA IF EXISTS "%s" CASCADE' % schema)

    for name, lines, words in refusals(target):
        with tempfile.TemporaryDirectory() as workdir:
            schema = unique("refuse")
            result = run_target(plugin, config_for(target, workdir, schema), "\n".join(lines) + "\n",
                                workdir)
            stderr = result.stderr.decode(errors="replace")
            check(result.returncode != 0, "%s: %s must be refused, exit 0" % (plugin, name))
            for word in words:
                check(word in stderr, "%s: %s: the error names %r: %s" % (plugin, name, word,
                                                                          stderr[-1500:]))
            if target in ("postgres", "redshift"):
                psql_value('DROP SCHEMA IF EXISTS "%s" CASCADE' % schema)

    for failure in failures:
        print("FAIL:", failure)
    print("%s: %d problem(s)" % (plugin, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
