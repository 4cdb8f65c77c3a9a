#!/usr/bin/env bash
# tap-mysql against the real MariaDB: discovery's JSON Schema of every column type, and the
# values of a FULL_TABLE read and of a LOG_BASED read from the binary log, exactly, read back
# through target-jsonl: decimals digit for digit, BIGINT UNSIGNED beyond int64, fractional
# seconds, TIME beyond a day, BIT, ENUM/SET, JSON, bytes as base64; zero dates refused or null.
source "$(dirname "$0")/lib.sh"
throwaway_mysql_database mysql_types; db=$LAST_DATABASE

mysql_admin "
  CREATE TABLE \`$db\`.types (
    id int PRIMARY KEY, i8 tinyint, u64 bigint unsigned, i64 bigint, d decimal(38,10),
    f float, g double, vc varchar(20), tx text, bin varbinary(8), bl blob, bt bit(12),
    dt date, dtm datetime(6), ts timestamp(3) NULL, tm time(2), y year, e enum('small','large'),
    s set('a','b','c'), j json);
  INSERT INTO \`$db\`.types VALUES
    (1, -128, 18446744073709551615, -9223372036854775808, 1234567890123456789012345678.0123456789,
     0.1, 2.5e-300, 'héllo \"q\"', 'line\nbreak', x'00ff10', x'deadbeef', b'101000000001',
     '2024-02-29', '2024-01-01 10:00:00.123456', '2024-06-01 12:30:45.678', '-838:59:59.00',
     2024, 'large', 'a,c', '{\"k\": [1, 2.50, null]}'),
    (2, NULL, 0, 0, -0.0000000001, NULL, NULL, NULL, NULL, NULL, NULL, b'0', NULL, NULL, NULL,
     '12:00:00.5', 0, NULL, '', NULL);"

config=$(mysql_config "$db" '"replication": {"'"$db"'-types": {"method": "LOG_BASED"}}')
expect_exit 0 "discovery" -- "$CHORUS" exec tap-mysql -- --config <(echo "$config") --discover
cp "$WORK/out" catalog.json
schema() { json_get catalog.json "json.dumps([s for s in d['streams'] if s['tap_stream_id'] == '$db-types'][0]['schema']['properties']['$1'], sort_keys=True)"; }
expect_equal "$(schema u64)" '{"maximum": 18446744073709551615, "minimum": 0, "type": ["null", "integer"]}' "BIGINT UNSIGNED bounds"
expect_equal "$(schema d)" '{"multipleOf": 1e-10, "type": ["null", "number"], "x-sql-precision": 38, "x-sql-scale": 10}' "DECIMAL(38,10)"
expect_equal "$(schema ts)" '{"format": "date-time", "type": ["null", "string"]}' "TIMESTAMP"
expect_equal "$(schema dtm)" '{"type": ["null", "string"], "x-sql-type": "timestamp"}' "DATETIME"
expect_equal "$(schema e)" '{"enum": ["small", "large", null], "type": ["null", "string"]}' "ENUM"
expect_equal "$(schema j)" '{"type": ["null", "object", "array", "string", "number", "boolean"], "x-sql-type": "json"}' "MariaDB JSON"
expect_equal "$(schema id)" '{"maximum": 2147483647, "minimum": -2147483648, "type": "integer"}' "INT NOT NULL"
expect_equal "$(schema bl)" '{"contentEncoding": "base64", "type": ["null", "string"]}' "BLOB"
expect_equal "$(json_get catalog.json "[s for s in d['streams'] if s['tap_stream_id'] == '$db-types'][0]['key_properties']")" "['id']" "key properties"

# Each record's properties in the order the table has them, numbers in the digits the target
# wrote (not through a float).
records_of() { python3 -c '
import json, sys
class Raw(str): pass
def show(v):
    if isinstance(v, Raw): return v
    if isinstance(v, dict): return "{" + ", ".join(json.dumps(k) + ": " + show(x) for k, x in v.items()) + "}"
    if isinstance(v, list): return "[" + ", ".join(show(x) for x in v) + "]"
    return json.dumps(v, ensure_ascii=False)
for line in open(sys.argv[1]):
    r = json.loads(line, parse_float=Raw, parse_int=Raw)
    print(" ".join(k + "=" + show(r[k]) for k in sys.argv[2].split()))
' "$1" "id i8 u64 i64 d f g vc tx bin bl bt dt dtm ts tm y e s j"; }
expected='id=1 i8=-128 u64=18446744073709551615 i64=-9223372036854775808 d=1234567890123456789012345678.0123456789 f=0.10000000149011612 g=2.5e-300 vc="héllo \"q\"" tx="line\nbreak" bin="AP8Q" bl="3q2+7w==" bt=2561 dt="2024-02-29" dtm="2024-01-01T10:00:00.123456" ts="2024-06-01T12:30:45.678+00:00" tm="-838:59:59.00" y=2024 e="large" s="a,c" j={"k": [1, 2.50, null]}
id=2 i8=null u64=0 i64=0 d=-0.0000000001 f=null g=null vc=null tx=null bin=null bl=null bt=0 dt=null dtm=null ts=null tm="12:00:00.50" y=0 e=null s="" j=null'

run_sync() {  # STATE-FILE OUTPUT-FOLDER
  expect_exit 0 "sync into $2" -- "$CHORUS" run tap-mysql target-jsonl \
    --config "tap-mysql=$config" --config "target-jsonl={\"destination_path\": \"$WORK/$2\"}" \
    --select "$db-types" --state "$1"
}
run_sync state.json full
expect_equal "$(records_of full/"$db"-types.jsonl)" "$expected" "values of the initial copy"
expect_equal "$(json_get state.json "sorted(d['bookmarks']['$db-types'])")" "['gtid', 'log_file', 'log_pos', 'version']" "LOG_BASED bookmark after the copy"

# The same rows again through the binary log: an update of every row to what it was, in a
# changed column only, then back, gives the same values as the copy.
mysql_admin "UPDATE \`$db\`.types SET i8 = 5 WHERE id = 1; UPDATE \`$db\`.types SET i8 = -128 WHERE id = 1;
             UPDATE \`$db\`.types SET y = 1 WHERE id = 2; UPDATE \`$db\`.types SET y = 0 WHERE id = 2;"
run_sync state.json log
got=$(records_of log/"$db"-types.jsonl)
expect_equal "$(sed -n 2p <<<"$got")" "$(sed -n 1p <<<"$expected")" "row 1 from the binary log"
expect_equal "$(sed -n 4p <<<"$got")" "$(sed -n 2p <<<"$expected")" "row 2 from the binary log"
expect_equal "$(sed -n 1p <<<"$got" | cut -d' ' -f2)" "i8=5" "every intermediate change is a record"

# A delete: the row's last values and _sdc_deleted_at.
mysql_admin "DELETE FROM \`$db\`.types WHERE id = 2"
run_sync state.json deleted
expect_equal "$(json_get deleted/"$db"-types.jsonl "(d['id'], d['tm'], d['_sdc_deleted_at'] is not None)")" "(2, '12:00:00.50', True)" "a delete"

# Zero dates: refused by default with the stream, property and value named; null on request.
mysql_admin "SET SESSION sql_mode = ''; CREATE TABLE \`$db\`.zero (id int PRIMARY KEY, dt date NOT NULL);
             INSERT INTO \`$db\`.zero VALUES (1, '0000-00-00'), (2, '2024-05-01');"
zero_config=$(mysql_config "$db")
expect_exit 1 "a zero date under zero_dates: error" -- "$CHORUS" run tap-mysql target-jsonl \
  --config "tap-mysql=$zero_config" --config "target-jsonl={\"destination_path\": \"$WORK/zero\"}" \
  --select "$db-zero"
expect_contains "$WORK/err" "stream '$db-zero', record 1, property 'dt': value '0000-00-00' is a MySQL zero date" "zero date error"
zero_config=$(mysql_config "$db" '"zero_dates": "null"')
expect_exit 0 "zero_dates: null" -- "$CHORUS" run tap-mysql target-jsonl \
  --config "tap-mysql=$zero_config" --config "target-jsonl={\"destination_path\": \"$WORK/zero\"}" \
  --select "$db-zero"
expect_equal "$(python3 -c '
import json, sys
print([json.loads(l)["dt"] for l in open(sys.argv[1])])' zero/"$db"-zero.jsonl)" "[None, '2024-05-01']" "zero date as null"
expect_contains "$WORK/err" "1 zero dates were written as null" "zero dates counted"
finish
