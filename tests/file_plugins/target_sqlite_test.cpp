// target-sqlite through `chorus exec`, checked with the SQLite C API: upserts, schema growth,
// ACTIVATE_VERSION, soft and hard deletes, exact decimals, appends, NULL vs empty string.
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <filesystem>
#include <utility>

#include "chorus_process.h"
#include "sqlite_rows.h"

namespace chorus::file_plugins_test {
namespace {

using Rows = std::vector<std::vector<std::string>>;

RunResult load(const Scratch &scratch, const std::string &fixture_name,
               nlohmann::json settings = nlohmann::json::object()) {
  settings["database"] = scratch.path("out/test.db").string();
  auto config = scratch.write_json("target.json", settings);
  return chorus_exec("target-sqlite", config, fixture(fixture_name));
}

// The database of a load() the test requires to succeed.
std::filesystem::path loaded_database(const Scratch &scratch, const std::string &fixture_name,
                                      nlohmann::json settings = nlohmann::json::object()) {
  require_success(load(scratch, fixture_name, std::move(settings)));
  return scratch.path("out/test.db");
}

}  // namespace

TEST_CASE("target-sqlite upserts on the key: the last record wins in a batch and across batches") {
  for (int batch_size : {100, 2}) {
    CAPTURE(batch_size);
    Scratch scratch;
    RunResult result = require_success(
        load(scratch, "upsert_last_wins.singer", {{"batch_size_rows", batch_size}}));
    const auto db = scratch.path("out/test.db");
    CHECK(query(db, "SELECT id, status FROM orders ORDER BY id") ==
          Rows{{"1", "shipped"}, {"2", "paid"}, {"3", "new"}});
    CHECK(result.states().back()["bookmarks"]["orders"]["position"] == 2);
  }
}

TEST_CASE("target-sqlite echoes each STATE once a committed batch covers the rows before it") {
  Scratch scratch;
  RunResult result =
      require_success(load(scratch, "upsert_last_wins.singer", {{"batch_size_rows", 2}}));
  auto states = result.states();
  REQUIRE(states.size() == 2);
  CHECK(states[0]["bookmarks"]["orders"]["position"] == 1);
  CHECK(states[1]["bookmarks"]["orders"]["position"] == 2);
  CHECK(query_value(scratch.path("out/test.db"), "SELECT count(*) FROM orders") == "3");
}

TEST_CASE("target-sqlite adds a column when a later SCHEMA has a new property") {
  Scratch scratch;
  const auto db = loaded_database(scratch, "schema_growth.singer");
  CHECK(query(db, "SELECT id, name, email FROM people ORDER BY id") ==
        Rows{{"1", "Ada", "<null>"}, {"2", "Grace", "grace@example.com"}});
}

TEST_CASE("target-sqlite soft-deletes rows of older versions on ACTIVATE_VERSION by default") {
  Scratch scratch;
  const auto db = loaded_database(scratch, "activate_version.singer");
  CHECK(query(db,
              "SELECT id, label, _sdc_table_version, _sdc_deleted_at IS NOT NULL FROM items "
              "ORDER BY id") == Rows{{"1", "one again", "200", "0"},
                                     {"2", "two", "100", "1"},
                                     {"3", "three again", "200", "0"}});
}

TEST_CASE("target-sqlite deletes rows of older versions on ACTIVATE_VERSION with hard_delete") {
  Scratch scratch;
  const auto db = loaded_database(scratch, "activate_version.singer",
                                  {{"hard_delete", true}, {"add_record_metadata", false}});
  CHECK(query(db, "SELECT id, label, _sdc_table_version FROM items ORDER BY id") ==
        Rows{{"1", "one again", "200"}, {"3", "three again", "200"}});
}

TEST_CASE("target-sqlite keeps a record with _sdc_deleted_at as a soft delete by default") {
  Scratch scratch;
  // The deletion (a later batch) carries only the key, as a change log's delete does: the row
  // keeps its values and gets _sdc_deleted_at.
  const auto db = loaded_database(scratch, "deletes.singer",
                                  {{"add_record_metadata", false}, {"batch_size_rows", 3}});
  CHECK(query(db, "SELECT id, owner, _sdc_deleted_at FROM accounts ORDER BY id") ==
        Rows{{"1", "ann", "<null>"}, {"2", "bob", "2026-11-02T10:00:00Z"}, {"3", "cy", "<null>"}});
}

TEST_CASE("target-sqlite deletes the row of a record with _sdc_deleted_at with hard_delete") {
  Scratch scratch;
  const auto db = loaded_database(scratch, "deletes.singer", {{"hard_delete", true}});
  CHECK(query(db, "SELECT id FROM accounts ORDER BY id") == Rows{{"1"}, {"3"}});
}

TEST_CASE("target-sqlite stores each number in the class that gives back its digits as sent") {
  Scratch scratch;
  const auto db = loaded_database(scratch, "values_and_nulls.singer");
  CHECK(query(db,
              "SELECT id, amount, typeof(amount), typeof(ratio), quote(note), flag, tags "
              "FROM \"values\" ORDER BY id") ==
        Rows{{"1", "1234.50", "text", "real", "'plain'", "1", "[\"a\",\"b\"]"},
             {"2", "12345678901234567890.123456789", "text", "null", "''", "0", "[]"},
             {"3", "-0.000100", "text", "text", "NULL", "<null>", "<null>"},
             {"4", "0", "integer", "null", "'comma, \"quote\" and\nline break'", "1", "<null>"}});
}

TEST_CASE("target-sqlite appends every record of a stream without key properties") {
  Scratch scratch;
  const auto db = loaded_database(scratch, "appends_without_keys.singer");
  CHECK(query_value(db, "SELECT count(*) FROM events") == "3");
}

TEST_CASE("target-sqlite adds the _sdc_ metadata columns unless add_record_metadata is false") {
  Scratch with;
  REQUIRE(load(with, "upsert_last_wins.singer").exit_code == 0);
  CHECK(query_value(with.path("out/test.db"),
                    "SELECT count(*) FROM pragma_table_info('orders') WHERE name IN "
                    "('_sdc_extracted_at','_sdc_received_at','_sdc_batched_at',"
                    "'_sdc_deleted_at','_sdc_sequence','_sdc_table_version')") == "6");
  Scratch without;
  REQUIRE(load(without, "upsert_last_wins.singer", {{"add_record_metadata", false}}).exit_code ==
          0);
  CHECK(query_value(without.path("out/test.db"),
                    "SELECT count(*) FROM pragma_table_info('orders') WHERE name LIKE '\\_sdc%' "
                    "ESCAPE '\\'") == "0");
}

TEST_CASE(
    "target-sqlite makes a new database with 16 KiB pages in WAL mode; an existing one "
    "keeps its page size and its tables") {
  Scratch fresh;
  const auto db = loaded_database(fresh, "upsert_last_wins.singer");
  CHECK(query_value(db, "PRAGMA page_size") == "16384");
  CHECK(query_value(db, "PRAGMA journal_mode") == "wal");

  Scratch existing;
  const auto path = existing.path("out/test.db");
  std::filesystem::create_directories(path.parent_path());
  sqlite3 *handle = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                          nullptr) == SQLITE_OK);
  const int created = sqlite3_exec(
      handle, "PRAGMA page_size=4096; CREATE TABLE kept (x); INSERT INTO kept VALUES (1);", nullptr,
      nullptr, nullptr);
  sqlite3_close(handle);
  REQUIRE(created == SQLITE_OK);
  require_success(load(existing, "upsert_last_wins.singer"));
  CHECK(query_value(path, "PRAGMA page_size") == "4096");
  CHECK(query_value(path, "SELECT count(*) FROM kept") == "1");
  CHECK(query(path, "SELECT id, status FROM orders ORDER BY id") ==
        Rows{{"1", "shipped"}, {"2", "paid"}, {"3", "new"}});
}

}  // namespace chorus::file_plugins_test
