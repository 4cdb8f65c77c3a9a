// Source database -> chorus (tap-postgres | target-postgres) -> destination database.
#include <doctest/doctest.h>
#include <unistd.h>

#include "chorus/plugin/errors.h"
#include "pg_test_database.h"

// Throwaway databases, pipelines and row dumps (pg_test_database.h).
using namespace chorus::test;

namespace {

const char *kAllTypes =
    "CREATE TABLE all_types (id bigint PRIMARY KEY, i2 smallint, i4 integer, i8 bigint, "
    "n numeric(12,2), n_wide numeric(38,20), n_free numeric, f4 real, f8 double precision, "
    "t text, vc varchar(10), ch char(3), b boolean, d date, tm time, ts timestamp, "
    "tstz timestamptz, iv interval, u uuid, js json, jb jsonb, arr integer[], tarr text[], "
    "by bytea, mood_col mood)";

const char *kAllTypesRows =
    "INSERT INTO all_types VALUES "
    "(1, -32768, 2147483647, -9223372036854775808, 1234567890.12, "
    "12345678.12345678901234567890, 3.141592653589793238462643383279, 1.5, "
    "0.1000000000000000055511151231257827, E'tab\\there \"q\" \\\\ new\\nline ünï', "
    "'ten chars!', 'ab', true, '2024-02-29', '23:59:59.999999', '1999-12-31 23:59:59.5', "
    "'2024-06-01 12:00:00.123456+05:30', '1 year 2 mons 3 days 04:05:06.7', "
    "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{\"k\": [1, 2.50, null]}', "
    "'{\"nested\": {\"x\": \"y\"}}', '{1,2,NULL}', '{\"a b\",\"c\"}', '\\x00ff7f80', 'sad'), "
    "(2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
    "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL), "
    "(3, 0, 0, 0, -0.01, 0, -1e-30, -0, 1e308, '', '', '   ', false, '0001-01-01', '00:00', "
    "'2000-01-01', '1970-01-01 00:00:00+00', '-1 day', '00000000-0000-0000-0000-000000000000', "
    "'[]', '\"scalar\"', '{}', '{}', '\\x', 'happy'), "
    // Dates and times at the edges of RFC 3339 (BC dates, infinities and five-digit years have
    // no RFC 3339 form: records carrying them fail validation, naming the property).
    "(4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '9999-12-31', "
    "'24:00:00', '9999-12-31 23:59:59.999999', '0001-01-01 00:00:00+00', NULL, NULL, NULL, NULL, "
    "NULL, NULL, NULL, NULL)";

// Every column as text, arrays as JSON (the target stores them as jsonb) and the enum as text.
const char *kAllTypesCompare =
    "SELECT id, i2, i4, i8, n, n_wide, n_free, f4, f8, t, vc, ch, b, d, tm, ts, tstz, iv, u, "
    "js::jsonb, jb, to_jsonb(arr), to_jsonb(tarr), by, mood_col::text FROM all_types ORDER BY id";
const char *kTargetCompare =
    "SELECT id, i2, i4, i8, n, n_wide, n_free, f4, f8, t, vc, ch, b, d, tm, ts, tstz, iv, u, "
    "js, jb, arr, tarr, \"by\", mood_col FROM public.all_types ORDER BY id";

// Table "accounts" with `rows` rows: id, owner 'owner <id>', balance id * 1.5.
void create_accounts(ThrowawayDatabase &source, int rows) {
  source.sql().execute(
      "CREATE TABLE accounts (id int PRIMARY KEY, owner text, balance numeric(10,2));"
      "INSERT INTO accounts SELECT g, 'owner ' || g, g * 1.5 FROM generate_series(1, " +
      std::to_string(rows) + ") g");
}

const char *kLogBased = "replication: {public-accounts: {method: LOG_BASED}}";

}  // namespace

TEST_CASE("every column type round-trips exactly through a full-table sync") {
  REQUIRE_SERVER(server);
  TestDatabases db(*server, "chorus_types", "CREATE TYPE mood AS ENUM ('sad', 'happy')");
  db.source.sql().execute(kAllTypes);
  db.source.sql().execute(kAllTypesRows);
  Pipeline pipeline(db, "public-all_types");
  REQUIRE_RUN_SUCCEEDS(pipeline);
  // The tap ends a full table with its last STATE twice and the target echoes both: the host
  // matches both echoes to what it sent, and has nothing to warn about.
  CHECK_MESSAGE(pipeline.last_output().find("never sent") == std::string::npos,
                pipeline.last_output());
  for (auto *connection : {&db.source.sql(), &db.destination.sql()}) {
    connection->execute("SET TIME ZONE 'UTC'; SET extra_float_digits = 3");
  }
  CHECK(dump(db.source.sql(), kAllTypesCompare) == dump(db.destination.sql(), kTargetCompare));
  // The destination's columns come in the source's order (then the _sdc_ ones).
  const char *column_order =
      "SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM "
      "information_schema.columns WHERE table_name = 'all_types' AND column_name NOT LIKE "
      "'\\_sdc\\_%'";
  CHECK(dump(db.source.sql(), column_order) == dump(db.destination.sql(), column_order));
  // The destination keeps the declared precision, length and kind of each column.
  CHECK(dump(db.destination.sql(),
             "SELECT column_name, data_type, character_maximum_length, numeric_precision, "
             "numeric_scale FROM information_schema.columns WHERE table_name = 'all_types' AND "
             "column_name IN ('i2', 'n', 'n_wide', 'vc', 'ts', 'tstz', 'tm', 'iv', 'u', 'by') "
             "ORDER BY column_name") ==
        "by|bytea|<null>|<null>|<null>\n"
        "i2|smallint|<null>|16|0\n"
        "iv|interval|<null>|<null>|<null>\n"
        "n|numeric|<null>|12|2\n"
        "n_wide|numeric|<null>|38|20\n"
        "tm|time without time zone|<null>|<null>|<null>\n"
        "ts|timestamp without time zone|<null>|<null>|<null>\n"
        "tstz|timestamp with time zone|<null>|<null>|<null>\n"
        "u|uuid|<null>|<null>|<null>\n"
        "vc|character varying|10|<null>|<null>\n");
}

TEST_CASE("incremental sync picks up inserts and updates, re-reading the bookmark value") {
  REQUIRE_SERVER(server);
  TestDatabases db(
      *server, "chorus_incr",
      "CREATE TABLE items (id int PRIMARY KEY, name text, updated_at timestamptz NOT NULL);"
      "INSERT INTO items SELECT g, 'item ' || g, '2024-01-01'::timestamptz + g * interval '1 "
      "minute' FROM generate_series(1, 500) g");
  Pipeline pipeline(db, "public-items",
                    "replication: {public-items: {method: INCREMENTAL, replication_key: "
                    "updated_at}}, state_every: 100");
  REQUIRE_RUN_SUCCEEDS(pipeline);
  CHECK(pipeline.state().find("replication_key_value") != std::string::npos);

  db.source.sql().execute(
      "UPDATE items SET name = 'changed', updated_at = '2025-01-01' WHERE id % 50 = 0;"
      "INSERT INTO items VALUES (501, 'new', '2025-01-01')");
  REQUIRE_RUN_SUCCEEDS(pipeline);
  const char *compare = "SELECT id, name, updated_at FROM %s.items ORDER BY id";
  char source_query[128], target_query[128];
  std::snprintf(source_query, sizeof source_query, compare, "public");
  std::snprintf(target_query, sizeof target_query, compare, "public");
  CHECK(dump(db.source.sql(), source_query) == dump(db.destination.sql(), target_query));
}

TEST_CASE("log-based sync replays inserts, updates and deletes after the first snapshot") {
  REQUIRE_SERVER(server);
  TestDatabases db(*server, "chorus_log");
  create_accounts(db.source, 100);
  Pipeline pipeline(db, "public-accounts", kLogBased, "hard_delete: true");
  REQUIRE_RUN_SUCCEEDS(pipeline);
  CHECK(pipeline.state().find("\"lsn\"") != std::string::npos);

  db.source.sql().execute(
      "INSERT INTO accounts VALUES (101, 'new', 1);"
      "UPDATE accounts SET balance = 0 WHERE id <= 10;"
      "DELETE FROM accounts WHERE id BETWEEN 90 AND 95;"
      "UPDATE accounts SET id = 1000 WHERE id = 50");
  REQUIRE_RUN_SUCCEEDS(pipeline);
  const std::string compare = "SELECT id, owner, balance FROM public.accounts ORDER BY id";
  CHECK(dump(db.source.sql(), compare) == dump(db.destination.sql(), compare));

  // Nothing changed: the next run reads no change and the tables stay equal.
  REQUIRE_RUN_SUCCEEDS(pipeline);
  db.source.sql().execute("DELETE FROM accounts WHERE id = 1");
  REQUIRE_RUN_SUCCEEDS(pipeline);
  CHECK(dump(db.source.sql(), compare) == dump(db.destination.sql(), compare));
}

TEST_CASE("a soft-deleted row keeps its last values and gets _sdc_deleted_at") {
  REQUIRE_SERVER(server);
  TestDatabases db(*server, "chorus_soft");
  create_accounts(db.source, 10);
  Pipeline pipeline(db, "public-accounts", kLogBased);
  REQUIRE_RUN_SUCCEEDS(pipeline);
  // A delete in the log carries only the key; the row must not lose what it held.
  db.source.sql().execute(
      "UPDATE accounts SET balance = 99 WHERE id = 3; DELETE FROM accounts WHERE id IN (3, 4)");
  REQUIRE_RUN_SUCCEEDS(pipeline);
  CHECK(dump(db.destination.sql(),
             "SELECT id, owner, balance, _sdc_deleted_at IS NOT NULL FROM public.accounts "
             "WHERE id BETWEEN 2 AND 5 ORDER BY id") ==
        "2|owner 2|3.00|f\n3|owner 3|4.50|t\n4|owner 4|6.00|t\n5|owner 5|7.50|f\n");
}

TEST_CASE("hostile table and column names load under their own names") {
  REQUIRE_SERVER(server);
  TestDatabases db(
      *server, "chorus_names",
      "CREATE TABLE \"we\"\"ird; tbl\" (\"select\" int PRIMARY KEY, \"Mixed Case\" text, "
      "\"ünï\" text, \"semi;colon\" text);"
      "INSERT INTO \"we\"\"ird; tbl\" VALUES (1, 'a', 'b', 'c'), (2, NULL, 'é', ';')");
  // The stream name holds a '"', which the pipeline file would need escaped: select all.
  Pipeline all(db, "*");
  REQUIRE_RUN_SUCCEEDS(all);
  const std::string compare =
      "SELECT \"select\", \"Mixed Case\", \"ünï\", \"semi;colon\" FROM public.\"we\"\"ird; tbl\" "
      "ORDER BY 1";
  CHECK(dump(db.source.sql(), compare) == dump(db.destination.sql(), compare));
}

TEST_CASE("a wrong password is a clear error and leaves the state untouched") {
  REQUIRE_SERVER(server);
  TestDatabases db(*server, "chorus_auth",
                   "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1)");
  Pipeline good(db, "public-t");
  REQUIRE_RUN_SUCCEEDS(good);
  std::string state_before = good.state();
  Pipeline bad(db, "public-t", {}, {}, "not-the-password");
  CHECK(bad.run() != 0);
  CHECK(bad.last_output().find("password authentication failed") != std::string::npos);
  CHECK(bad.last_output().find("not-the-password") == std::string::npos);
  CHECK(bad.state().empty());
  CHECK(good.state() == state_before);
}

TEST_CASE("an unreachable server is a clear error") {
  REQUIRE_SERVER(server);
  ThrowawayDatabase destination(*server, chorus::testing::unique_name("chorus_down_dst"));
  chorus::pg::ConnectionSettings down = *server;
  down.port = 1;
  CHECK_THROWS_WITH_AS(chorus::pg::Connection(down, "tap-postgres"),
                       doctest::Contains("check that the server is running"),
                       chorus::RetryableError);
}
