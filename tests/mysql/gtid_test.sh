#!/usr/bin/env bash
# tap-mysql's GTID positions on MariaDB: a LOG_BASED state carries the GTID position of the same
# point as its binary log file and offset (the server's @@gtid_binlog_pos when nothing else was
# written); when the state's file is purged the run resumes from the GTID position, nothing lost
# or read twice, and then from the new file and offset (also when a file of the state's name is
# at another GTID position: another server's log); a GTID position the server no longer
# holds is an error asking for --full-refresh; a state without a GTID position (written before
# they were kept) still resumes by file and offset. Each run writes into its own target-jsonl
# folder; the runs' records applied in order must give the source table.
# The script purges the server's binary logs: CTest runs it alone (RUN_SERIAL).
source "$(dirname "$0")/lib.sh"
throwaway_mysql_database mysql_gtid; db=$LAST_DATABASE
stream="$db-items"

mysql_admin "USE \`$db\`; CREATE TABLE \`$db\`.items (id int PRIMARY KEY, v varchar(20) NOT NULL);
  INSERT INTO \`$db\`.items SELECT seq, 'new' FROM seq_1_to_100;"
config=$(mysql_config "$db" '"replication": {"'"$stream"'": {"method": "LOG_BASED"}}')
runs=0
run_sync() {  # EXIT-CODE DESCRIPTION [RUN-OPTION...]: one run into the folder run<N>
  local code=$1 what=$2
  shift 2
  runs=$((runs + 1))
  expect_exit "$code" "$what" -- "$CHORUS" run tap-mysql target-jsonl \
    --config "tap-mysql=$config" --config "target-jsonl={\"destination_path\": \"$WORK/run$runs\"}" \
    --select "$stream" --state state.json "$@"
}
records_of_last_run() {
  if [[ -f run$runs/$stream.jsonl ]]; then wc -l <"run$runs/$stream.jsonl"; else echo 0; fi
}
bookmark() { json_get state.json "d['bookmarks']['$stream'].get('$1')"; }
server_gtid() { mysql_admin "SELECT @@gtid_binlog_pos"; }
server_end() { mysql_admin "SHOW MASTER STATUS" | cut -f1,2; }
newest_log() { mysql_admin "SHOW MASTER STATUS" | cut -f1; }
# A new log, and every older one purged. MariaDB purges a log only once its transactions are
# checkpointed (a BINLOG_CHECKPOINT event the server writes into the new log after the flush,
# in the background), so PURGE is repeated until the old log is gone.
purge_to_new_log() {
  local old new attempt
  old=$(newest_log)
  mysql_admin "FLUSH BINARY LOGS"
  new=$(newest_log)
  for attempt in $(seq 100); do
    mysql_admin "PURGE BINARY LOGS TO '$new'"
    mysql_admin "SHOW BINARY LOGS" | cut -f1 | grep -qxF "$old" || return 0
    sleep 0.1
  done
  fail "PURGE BINARY LOGS TO '$new' left $old on the server after $attempt attempts"
}
# Every run's records applied in order (deletes remove the row) must give the source rows.
expect_same() {
  mysql_admin "SELECT id, v FROM \`$db\`.items ORDER BY id" | tr '\t' '|' >source.txt
  python3 -c '
import glob, json, sys
rows = {}
for n in range(1, int(sys.argv[1]) + 1):
    for path in glob.glob(f"run{n}/*.jsonl"):
        for line in open(path):
            r = json.loads(line)
            if r.get("_sdc_deleted_at"):
                rows.pop(r["id"], None)
            else:
                rows[r["id"]] = r["v"]
for k in sorted(rows):
    print(f"{k}|{rows[k]}")' "$runs" >destination.txt
  cmp -s source.txt destination.txt || {
    fail "$1: the runs' records differ from the source"
    diff source.txt destination.txt | head -10 >&2
  }
}
expect_position_is_server_end() {
  expect_equal "$(bookmark gtid)" "$(server_gtid)" "$1: the state's GTID position is the server's @@gtid_binlog_pos"
  expect_equal "$(bookmark log_file)	$(bookmark log_pos)" "$(server_end)" "$1: the state's file and offset are the server's end"
}

# (a) The initial copy's state: the snapshot's GTID position, then that of the changes read.
run_sync 0 "the initial copy"
expect_equal "$(records_of_last_run)" 100 "the initial copy's records"
expect_position_is_server_end "after the initial copy"
mysql_admin "UPDATE \`$db\`.items SET v = 'paid' WHERE id <= 10;
  DELETE FROM \`$db\`.items WHERE id BETWEEN 91 AND 95;"
run_sync 0 "changes by file and offset"
expect_equal "$(records_of_last_run)" 15 "records of 10 updates and 5 deletes"
expect_position_is_server_end "after reading changes"
expect_same "after changes by file and offset"

# (b) The state's file purged: the run resumes from the GTID position.
purge_to_new_log
mysql_admin "UPDATE \`$db\`.items SET v = 'shipped' WHERE id <= 5;
  INSERT INTO \`$db\`.items VALUES (101, 'late'), (102, 'late');
  START TRANSACTION;
  UPDATE \`$db\`.items SET v = 'cancelled' WHERE id = 20;
  DELETE FROM \`$db\`.items WHERE id = 21;
  COMMIT;"
run_sync 0 "resumed from the GTID position"
expect_contains "$WORK/err" "is not on the server; reading the binary log from GTID position" "the run says it reads by GTID"
expect_equal "$(records_of_last_run)" 9 "records of the changes after the purge, each once"
expect_position_is_server_end "after a resume by GTID"
expect_same "after a resume by GTID"
# The file and offset the resume by GTID wrote are right: the next run reads by them.
mysql_admin "UPDATE \`$db\`.items SET v = 'returned' WHERE id = 30"
run_sync 0 "by file and offset after a resume by GTID"
expect_contains "$WORK/err" "reading the binary log from $(bookmark log_file):" "read by file and offset again"
expect_equal "$(records_of_last_run)" 1 "one record after a resume by GTID"
expect_same "by file and offset after a resume by GTID"

# A file of the state's name that is another log (as after a failover to a server whose files
# are named alike): the server's GTID position at the offset is not the state's, so the run
# reads by GTID, and nothing twice.
python3 -c '
import json, sys
s = json.load(open("state.json")); s["bookmarks"][sys.argv[1]]["log_pos"] = 4
json.dump(s, open("state.json", "w"))' "$stream"
mysql_admin "UPDATE \`$db\`.items SET v = 'failover' WHERE id = 31"
run_sync 0 "a file of the state's name that is another log"
expect_contains "$WORK/err" "of the state is at another GTID position on this server (another server's log?); reading the binary log from GTID position" "the run says why it reads by GTID"
expect_equal "$(records_of_last_run)" 1 "one record when the state's file is another log"
expect_position_is_server_end "after a file of the state's name that is another log"
expect_same "after a file of the state's name that is another log"

# Purged with nothing new: the state moves to the server's file for the same GTID position.
purge_to_new_log
run_sync 0 "a purge with nothing new"
expect_equal "$(records_of_last_run)" 0 "no records after a purge with nothing new"
expect_position_is_server_end "after a purge with nothing new"

# The GTID position purged too (changes unread in the purged log): an error, the state kept.
mysql_admin "UPDATE \`$db\`.items SET v = 'lost' WHERE id = 40"
purge_to_new_log
cp state.json state.before
run_sync 1 "a purged GTID position"
expect_contains "$WORK/err" "does not hold the state's GTID position" "the purged GTID position named"
expect_contains "$WORK/err" "--full-refresh" "a purged GTID position: what to do"
cmp -s state.json state.before || fail "a run from a purged GTID position changed the state"

run_sync 0 "a full refresh" --full-refresh
expect_equal "$(records_of_last_run)" 96 "the copy of a full refresh"
expect_same "after a full refresh"

# (c) A state without a GTID position (as written before they were kept) still resumes by file
# and offset, and then has the GTID position of its new point.
python3 -c '
import json, sys
s = json.load(open("state.json")); del s["bookmarks"][sys.argv[1]]["gtid"]
json.dump(s, open("state.json", "w"))' "$stream"
mysql_admin "UPDATE \`$db\`.items SET v = 'old state' WHERE id = 50"
file=$(bookmark log_file)
run_sync 0 "a state without a GTID position"
expect_contains "$WORK/err" "reading the binary log from $file:" "read by file and offset"
expect_equal "$(records_of_last_run)" 1 "one record from a state without a GTID position"
expect_position_is_server_end "after a state without a GTID position"
expect_same "after a state without a GTID position"
# Without a GTID position and without its file: the error asking for --full-refresh.
python3 -c '
import json, sys
s = json.load(open("state.json")); del s["bookmarks"][sys.argv[1]]["gtid"]
json.dump(s, open("state.json", "w"))' "$stream"
purge_to_new_log
run_sync 1 "a purged file and no GTID position"
expect_contains "$WORK/err" "has been purged from the server, and the state has no GTID position" "no GTID position to resume from"
finish
