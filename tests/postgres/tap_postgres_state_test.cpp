// tap-postgres bookmarks and resumption against the real server: the full-table key bookmark,
// the incremental read order, the form of bookmark values, values JSON cannot hold, and a
// replication slot left held by a client that stopped answering.
#include <doctest/doctest.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "pg_test_database.h"

// Throwaway databases, pipelines and row dumps (pg_test_database.h).
using namespace chorus::test;

namespace {

void write_state(const Pipeline &pipeline, const std::string &state) {
  std::ofstream(pipeline.folder() + "/state.json") << state;
}

// The query a debug log line "... reads: <query>" names, for the stream's read that ends with
// `ending`.
std::string logged_query(const std::string &output, const std::string &ending) {
  const std::string marker = "reads: ";
  std::size_t at = 0;
  while ((at = output.find(marker, at)) != std::string::npos) {
    std::size_t start = at + marker.size();
    std::size_t end = output.find('\n', start);
    std::string query = output.substr(start, end - start);
    if (query.size() >= ending.size() &&
        query.compare(query.size() - ending.size(), ending.size(), ending) == 0) {
      return query;
    }
    at = start;
  }
  return {};
}

// The stream's bookmark in the pipeline's state file.
nlohmann::json bookmark_of(const Pipeline &pipeline, const std::string &stream) {
  return nlohmann::json::parse(pipeline.state())["bookmarks"][stream];
}

const char *kIncremental =
    "replication: {public-events: {method: INCREMENTAL, replication_key: updated_at}}";

}  // namespace

TEST_CASE("a full-table sync resumes after the state's last key under the state's version") {
  REQUIRE_SERVER(server);
  TestDatabases db(*server, "chorus_resume",
                   "CREATE TABLE accounts (id int PRIMARY KEY, owner text);"
                   "INSERT INTO accounts SELECT g, 'owner ' || g FROM generate_series(1, 1000) g");
  Pipeline pipeline(db, "public-accounts", {}, "hard_delete: true");
  // What a run killed after key 600 leaves behind (keys as text, as the tap writes them).
  write_state(pipeline, R"({"bookmarks": {"public-accounts": {"version": 1234567, )"
                        R"("last_pk_fetched": {"id": "600"}}}})");
  REQUIRE_RUN_SUCCEEDS(pipeline);
  CHECK(pipeline.last_output().find("resuming the full-table sync after key") != std::string::npos);
  CHECK(dump(db.destination.sql(),
             "SELECT count(*), min(id), max(id), min(_sdc_table_version), "
             "max(_sdc_table_version) FROM public.accounts") == "400|601|1000|1234567|1234567\n");
  const nlohmann::json bookmark = bookmark_of(pipeline, "public-accounts");
  CHECK(bookmark["version"] == 1234567);
  CHECK(bookmark["last_pk_fetched"].is_null());

  // The next run is a new full sync: every row, a new version, the old one cleaned up.
  REQUIRE_RUN_SUCCEEDS(pipeline);
  CHECK(dump(db.destination.sql(),
             "SELECT count(*), count(DISTINCT _sdc_table_version), min(_sdc_table_version) > "
             "1234567 FROM public.accounts") == "1000|1|t\n");
}

TEST_CASE("a full-table sync resumes after a composite key with a text part") {
  REQUIRE_SERVER(server);
  TestDatabases db(
      *server, "chorus_pairs",
      "CREATE TABLE pairs (region text, id int, v text, PRIMARY KEY (region, id));"
      "INSERT INTO pairs SELECT CASE WHEN g % 2 = 0 THEN 'north' ELSE 'south' END, 1000 - g, "
      "'v' FROM generate_series(1, 900) g");
  Pipeline pipeline(db, "public-pairs", "state_every: 100");
  write_state(pipeline, R"({"bookmarks": {"public-pairs": {"version": 7, )"
                        R"("last_pk_fetched": {"region": "north", "id": "500"}}}})");
  REQUIRE_RUN_SUCCEEDS(pipeline);
  const char *after = "SELECT count(*) FROM pairs WHERE (region, id) > ('north', 500)";
  CHECK(dump(db.destination.sql(), "SELECT count(*) FROM public.pairs") ==
        dump(db.source.sql(), after));
  CHECK(dump(db.destination.sql(),
             "SELECT count(*) FROM public.pairs WHERE (region, id) <= ('north', 500)") == "0\n");
}

TEST_CASE("a table without a primary key starts its full-table sync again from the first row") {
  REQUIRE_SERVER(server);
  TestDatabases db(
      *server, "chorus_nokey",
      "CREATE TABLE log_lines (line text); INSERT INTO log_lines SELECT 'line ' || g FROM "
      "generate_series(1, 50) g");
  Pipeline pipeline(db, "public-log_lines", {}, "hard_delete: true");
  write_state(pipeline, R"({"bookmarks": {"public-log_lines": {"version": 1, )"
                        R"("last_pk_fetched": {"line": "line 20"}}}})");
  REQUIRE_RUN_SUCCEEDS(pipeline);
  CHECK(pipeline.last_output().find("starts again from the first row") != std::string::npos);
  CHECK(dump(db.destination.sql(), "SELECT count(*) FROM public.log_lines") == "50\n");
}

TEST_CASE("an incremental re-read is served by the replication key's index, without a sort") {
  REQUIRE_SERVER(server);
  TestDatabases db(
      *server, "chorus_index",
      "CREATE TABLE events (id int PRIMARY KEY, name text, updated_at timestamptz);"
      "CREATE INDEX events_updated_at ON events (updated_at);"
      "INSERT INTO events SELECT g, 'event ' || g, CASE WHEN g % 1000 = 0 THEN NULL ELSE "
      "'2024-01-01'::timestamptz + g * interval '1 second' END FROM generate_series(1, 100000) g;"
      "ANALYZE events");
  Pipeline pipeline(db, "public-events", std::string(kIncremental) + ", state_every: 10000");
  REQUIRE_RUN_SUCCEEDS(pipeline);
  // Rows with a NULL key arrive with the first run.
  CHECK(dump(db.destination.sql(),
             "SELECT count(*), count(*) FILTER (WHERE updated_at IS NULL) FROM public.events") ==
        "100000|100\n");

  db.source.sql().execute(
      "INSERT INTO events SELECT g, 'late ' || g, '2025-01-01'::timestamptz + g * interval '1 "
      "second' FROM generate_series(100001, 100100) g; ANALYZE events");
  chorus::test::CommandResult verbose =
      run_command(std::string("'") + CHORUS_BINARY_DIR + "/chorus' --verbose run --pipeline '" +
                  pipeline.folder() + "/pipeline.yml'");
  REQUIRE_MESSAGE(verbose.status == 0, verbose.output);
  std::string query = logged_query(verbose.output, "ORDER BY \"public\".\"events\".\"updated_at\"");
  REQUIRE_MESSAGE(!query.empty(), verbose.output);
  CHECK(query.find("NULLS FIRST") == std::string::npos);
  std::string plan = dump(db.source.sql(), "EXPLAIN " + query);
  CHECK_MESSAGE(plan.find("Index Scan using events_updated_at") != std::string::npos, plan);
  CHECK_MESSAGE(plan.find("Sort") == std::string::npos, plan);
  CHECK(dump(db.destination.sql(), "SELECT count(*) FROM public.events") == "100100\n");
}

TEST_CASE("incremental bookmarks are RFC 3339, and one in PostgreSQL's text form still resumes") {
  REQUIRE_SERVER(server);
  TestDatabases db(
      *server, "chorus_rfc",
      "CREATE TABLE events (id int PRIMARY KEY, updated_at timestamptz NOT NULL);"
      "INSERT INTO events SELECT g, '2026-05-01 01:30:00+00'::timestamptz + g * interval '1 "
      "minute' FROM generate_series(1, 10) g");
  Pipeline pipeline(db, "public-events", kIncremental);
  REQUIRE_RUN_SUCCEEDS(pipeline);
  CHECK(bookmark_of(pipeline, "public-events")["replication_key_value"] ==
        "2026-05-01T01:40:00+00:00");

  // A state an earlier version wrote: the same instant in PostgreSQL's own text form.
  db.destination.sql().execute("TRUNCATE public.events");
  write_state(pipeline, R"({"bookmarks": {"public-events": {"replication_key": "updated_at", )"
                        R"("replication_key_value": "2026-05-01 01:35:00+00"}}})");
  REQUIRE_RUN_SUCCEEDS(pipeline);
  CHECK(dump(db.destination.sql(), "SELECT min(id), max(id) FROM public.events") == "5|10\n");
}

TEST_CASE("NaN and Infinity in float columns become null with a warning naming the column") {
  REQUIRE_SERVER(server);
  TestDatabases db(
      *server, "chorus_nan",
      "CREATE TABLE readings (id int PRIMARY KEY, f8 double precision, f4 real);"
      "INSERT INTO readings VALUES (1, 'NaN', 1.5), (2, 'Infinity', 2.5), (3, '-Infinity', "
      "'NaN'), (4, 0.25, 4.5)");
  Pipeline pipeline(db, "public-readings");
  REQUIRE_RUN_SUCCEEDS(pipeline);
  const std::string &log = pipeline.last_output();
  CHECK_MESSAGE(log.find("column 'f8': value NaN has no JSON number form") != std::string::npos,
                log);
  CHECK(log.find("column 'f8': 3 NaN or Infinity values were written as null") !=
        std::string::npos);
  CHECK(log.find("column 'f4': 1 NaN or Infinity values were written as null") !=
        std::string::npos);
  CHECK(dump(db.destination.sql(), "SELECT id, f8, f4 FROM public.readings ORDER BY id") ==
        "1|<null>|1.5\n2|<null>|2.5\n3|<null>|<null>\n4|0.25|4.5\n");
}

TEST_CASE("a log-based run takes over a slot still held by a client of the same user") {
  REQUIRE_SERVER(server);
  TestDatabases db(*server, "chorus_orphan",
                   "CREATE TABLE accounts (id int PRIMARY KEY, owner text);"
                   "INSERT INTO accounts SELECT g, 'owner ' || g FROM generate_series(1, 10) g");
  Pipeline pipeline(db, "public-accounts", "replication: {public-accounts: {method: LOG_BASED}}",
                    "hard_delete: true");
  REQUIRE_RUN_SUCCEEDS(pipeline);
  const std::string slot = db.source.name() + "_slot";

  // A client that holds the slot and stops answering, as a frozen earlier run would.
  chorus::test::CommandResult receiver = run_command(
      "PGPASSWORD='" + server->password +
      "' \"$(ls -d /usr/lib/postgresql/*/bin | sort -V | "
      "tail -n 1)/pg_recvlogical\" -h " +
      server->host + " -p " + std::to_string(server->port) + " -U " + server->user + " -d " +
      db.source.name() + " --slot " + slot + " --start -f /dev/null >/dev/null 2>&1 & echo $!");
  const std::string receiver_pid = receiver.output.substr(0, receiver.output.find('\n'));
  REQUIRE(!receiver_pid.empty());
  for (int i = 0; i < 100 && dump(db.source.sql(),
                                  "SELECT active FROM pg_replication_slots WHERE "
                                  "slot_name = '" +
                                      slot + "'") != "t\n";
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  REQUIRE(dump(db.source.sql(), "SELECT active FROM pg_replication_slots WHERE slot_name = '" +
                                    slot + "'") == "t\n");
  run_command("kill -STOP " + receiver_pid);

  db.source.sql().execute(
      "INSERT INTO accounts VALUES (11, 'new'); UPDATE accounts SET owner = 'changed' WHERE id "
      "= 2; DELETE FROM accounts WHERE id = 3");
  int status = pipeline.run();
  run_command("kill -KILL " + receiver_pid);
  REQUIRE_MESSAGE(status == 0, pipeline.last_output());
  CHECK(pipeline.last_output().find("terminating it") != std::string::npos);
  const std::string compare = "SELECT id, owner FROM public.accounts ORDER BY id";
  CHECK(dump(db.source.sql(), compare) == dump(db.destination.sql(), compare));
}

TEST_CASE("a log-based run confirms to the server exactly the LSN of the state it was given") {
  REQUIRE_SERVER(server);
  TestDatabases db(*server, "chorus_confirm",
                   "CREATE TABLE accounts (id int PRIMARY KEY, owner text);"
                   "INSERT INTO accounts SELECT g, 'owner ' || g FROM generate_series(1, 10) g");
  Pipeline pipeline(db, "public-accounts", "replication: {public-accounts: {method: LOG_BASED}}");
  const std::string confirmed =
      "SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE "
      "slot_name = '" +
      db.source.name() + "_slot'";
  // The server takes the confirmation from the stream as it ends; give it a moment.
  auto slot_reaches = [&](const std::string &lsn) {
    for (int i = 0; i < 50 && dump(db.source.sql(), confirmed) != lsn + "\n"; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return dump(db.source.sql(), confirmed);
  };
  REQUIRE_RUN_SUCCEEDS(pipeline);
  for (int run = 0; run < 2; ++run) {
    const std::string given = bookmark_of(pipeline, "public-accounts")["lsn"];
    db.source.sql().execute("INSERT INTO accounts VALUES (" + std::to_string(11 + run) +
                            ", 'new')");
    REQUIRE_RUN_SUCCEEDS(pipeline);
    const std::string reached = bookmark_of(pipeline, "public-accounts")["lsn"];
    CHECK(reached != given);
    // The run's own state is not proven yet: the slot stays at the one it was given.
    CHECK(slot_reaches(given) == given + "\n");
  }
  CHECK(dump(db.destination.sql(), "SELECT count(*) FROM public.accounts") == "12\n");
}
