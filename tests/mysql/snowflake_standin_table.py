#!/usr/bin/env python3
"""What a table holds after target-snowflake's loads, worked out from what the SQL API stand-in
(tests/snowflake/sql_api_server.js) recorded: the stand-in runs no SQL, so every statement that
changes the table is replayed here, in order, on the rows the COPY INTO statements read from the
staged files in s3rver (the target's `keep_staged_files: true`, `compression: none`). A
statement of a shape this replay does not know is an error, so a change in what the target sends
cannot pass unseen.

    snowflake_standin_table.py REQUESTS.jsonl SCHEMA.TABLE COLUMN...

prints the table's rows, ordered by the first column, as COLUMN values joined by '|' (NULL as
\\N), followed by '|deleted' when _SDC_DELETED_AT is set. S3 comes from CHORUS_TEST_S3_*.
"""
import json
import os
import re
import subprocess
import sys


def s3_object(bucket, key):
    """The object's bytes, read with a signed GET (s3rver checks signatures)."""
    url = "%s/%s/%s" % (os.environ["CHORUS_TEST_S3_ENDPOINT"], bucket, key)
    credentials = "%s:%s" % (os.environ["CHORUS_TEST_S3_ACCESS_KEY_ID"],
                             os.environ["CHORUS_TEST_S3_SECRET_ACCESS_KEY"])
    region = os.environ.get("CHORUS_TEST_S3_REGION", "us-east-1")
    return subprocess.run(["curl", "-sSf", "--aws-sigv4", "aws:amz:%s:s3" % region, "--user",
                           credentials, "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD", url],
                          check=True, capture_output=True).stdout.decode("utf-8")


def csv_rows(text):
    """Rows of chorus's staging CSV: an unquoted empty field is NULL (None), "" the empty string."""
    rows, row, field, quoted, i = [], [], "", False, 0
    while i < len(text):
        c = text[i]
        if c == '"' and not field and not quoted:
            end = i + 1
            while True:
                end = text.index('"', end)
                if text.startswith('""', end):
                    end += 2
                    continue
                break
            field, quoted, i = text[i + 1:end].replace('""', '"'), True, end + 1
            continue
        if c in ",\n":
            row.append(field if (field or quoted) else None)
            field, quoted = "", False
            if c == "\n":
                rows.append(row)
                row = []
        else:
            field += c
        i += 1
    if row or field or quoted:
        raise SystemExit("staged file does not end with a line break")
    return rows


def names(text):
    return re.findall(r'"([^"]+)"', text)


def main():
    requests, table_name, *columns = sys.argv[1:]
    schema, table = table_name.split(".")
    target = '"%s"."%s"' % (schema, table)
    table_rows, staging, key = {}, [], None
    version_filter = r'"_SDC_TABLE_VERSION" IS NULL OR "_SDC_TABLE_VERSION" < (\d+)'
    ignored = ("SELECT column_name", "CREATE SCHEMA IF NOT EXISTS", "BEGIN", "COMMIT",
               "CREATE TABLE IF NOT EXISTS " + target, "DROP TABLE IF EXISTS")
    for line in open(requests):
        for statement in json.loads(line)["statement"].split(";\n"):
            if statement.startswith(ignored):
                continue
            if statement.startswith("CREATE OR REPLACE TRANSIENT TABLE"):
                staging = []
            elif statement.startswith("COPY INTO"):
                copied = re.match(r"COPY INTO \S+ \(([^)]*)\) FROM 's3://([^/]+)/([^']*)' .*"
                                  r"FILES = \(([^)]*)\) .*COMPRESSION = NONE\)", statement)
                if not copied:
                    raise SystemExit("a COPY INTO of an unknown shape: " + statement[:300])
                header = names(copied.group(1))
                for file in re.findall(r"'([^']+)'", copied.group(4)):
                    for values in csv_rows(s3_object(copied.group(2), copied.group(3) + file)):
                        staging.append(dict(zip(header, values)))
            elif statement.startswith("MERGE INTO " + target + " USING"):
                merged = re.search(r'PARTITION BY "([^"]+)" ORDER BY "_SDC_SEQUENCE" DESC\) = 1\)',
                                   statement)
                if not merged:
                    raise SystemExit("a MERGE of an unknown shape: " + statement[:300])
                key = merged.group(1)
                newest = {}
                for row in staging:  # the newest record per key, as QUALIFY ROW_NUMBER() keeps
                    held = newest.get(row[key])
                    if held is None or int(row["_SDC_SEQUENCE"]) > int(held["_SDC_SEQUENCE"]):
                        newest[row[key]] = row
                table_rows.update(newest)
            elif statement == "DELETE FROM %s WHERE \"_SDC_DELETED_AT\" IS NOT NULL" % target:
                table_rows = {k: r for k, r in table_rows.items() if r["_SDC_DELETED_AT"] is None}
            elif re.fullmatch("DELETE FROM %s WHERE %s" % (re.escape(target), version_filter),
                              statement):
                below = int(re.search(version_filter, statement).group(1))
                table_rows = {k: r for k, r in table_rows.items()
                              if r["_SDC_TABLE_VERSION"] is not None
                              and int(r["_SDC_TABLE_VERSION"]) >= below}
            elif re.fullmatch(r'UPDATE %s SET "_SDC_DELETED_AT" = CURRENT_TIMESTAMP\(\) WHERE '
                              r'\(%s\) AND "_SDC_DELETED_AT" IS NULL' % (re.escape(target),
                                                                        version_filter), statement):
                below = int(re.search(version_filter, statement).group(1))
                for row in table_rows.values():
                    version = row["_SDC_TABLE_VERSION"]
                    if row["_SDC_DELETED_AT"] is None and (version is None or int(version) < below):
                        row["_SDC_DELETED_AT"] = "retired"
            elif target in statement:
                raise SystemExit("a statement on %s the replay does not know: %s"
                                 % (target, statement[:300]))
    for row_key in sorted(table_rows, key=lambda k: int(k) if k.lstrip("-").isdigit() else k):
        row = table_rows[row_key]
        text = "|".join("\\N" if row[c] is None else row[c] for c in columns)
        print(text + ("|deleted" if row["_SDC_DELETED_AT"] is not None else ""))


main()
