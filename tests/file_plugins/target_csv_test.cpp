// target-csv through `chorus exec`: RFC 4180 quoting, NULL vs empty string, exact numbers, the
// round trip through tap-csv, appending across runs, the union of columns, torn rows,
// redeliveries and key checks.
#include <doctest/doctest.h>

#include <filesystem>

#include "chorus_process.h"

namespace chorus::file_plugins_test {
namespace {

const char *kOrdersSchema =
    "{\"type\":\"SCHEMA\",\"stream\":\"orders\",\"schema\":{\"type\":\"object\",\"properties\":"
    "{\"id\":{\"type\":\"integer\"},\"status\":{\"type\":\"string\"}}},\"key_properties\":"
    "[\"id\"]}\n";

std::string order(int id, const std::string &status) {
  return "{\"type\":\"RECORD\",\"stream\":\"orders\",\"record\":{\"id\":" + std::to_string(id) +
         ",\"status\":\"" + status + "\"}}\n";
}

}  // namespace

TEST_CASE("target-csv quotes per RFC 4180, writes NULL as an empty field and '' as \"\"") {
  Scratch scratch;
  load_fixture(scratch, "target-csv", "values_and_nulls.singer");
  CHECK(scratch.read("out/values.csv") ==
        "id,amount,ratio,note,flag,tags\n"
        "1,1234.50,0.25,plain,true,\"[\"\"a\"\",\"\"b\"\"]\"\n"
        "2,12345678901234567890.123456789,,\"\",false,[]\n"
        "3,-0.000100,1e3,,,\n"
        "4,0,,\"comma, \"\"quote\"\" and\nline break\",true,\n");
}

TEST_CASE("target-csv echoes each STATE once the rows before it are in the file") {
  Scratch scratch;
  RunResult result =
      load_fixture(scratch, "target-csv", "upsert_last_wins.singer", {{"batch_size_rows", 2}});
  auto states = result.states();
  REQUIRE(states.size() == 2);
  CHECK(states.back()["bookmarks"]["orders"]["position"] == 2);
  // A file target appends: every change of a key is a row.
  CHECK(scratch.read("out/orders.csv") ==
        "id,status\n1,new\n2,new\n1,paid\n3,new\n1,shipped\n2,paid\n");
}

TEST_CASE("target-csv applies the delimiter and file naming settings") {
  Scratch scratch;
  auto config =
      scratch.write_target_config({{"delimiter", ";"}, {"file_naming", "export-{stream}.txt"}});
  require_success(chorus_exec("target-csv", config, fixture("appends_without_keys.singer")));
  CHECK(scratch.read("out/export-events.txt") ==
        "kind;at\nclick;2026-11-01T10:00:00Z\nclick;2026-11-01T10:00:00Z\n"
        "view;2026-11-01T10:00:01Z\n");
}

TEST_CASE("tap-csv into target-csv gives back the same file") {
  Scratch scratch;
  const std::string original =
      "OrderId,Customer,Amount,Note\n"
      "1,\"Bloggs, Joe\",1234.50,\"say \"\"hi\"\"\"\n"
      "2,Acme,0.10,\"\"\n"
      "3,,,\"two\nlines\"\n";
  scratch.write("data/orders.csv", original);
  auto tap = scratch.write_json(
      "tap.json", {{"files", {{{"entity", "orders"}, {"path", scratch.path("data/orders.csv")}}}}});
  RunResult extracted = require_success(chorus_exec("tap-csv", tap));
  auto stream = scratch.write("orders.singer", extracted.out);
  auto target = scratch.write_target_config();
  require_success(chorus_exec("target-csv", target, stream));
  CHECK(scratch.read("out/orders.csv") == original);
}

TEST_CASE("a stream's new columns widen its one CSV file; earlier rows get empty cells") {
  Scratch scratch;
  auto config = scratch.write_target_config();
  RunResult result =
      require_success(chorus_exec("target-csv", config, fixture("schema_growth.singer")));
  CHECK(scratch.read("out/people.csv") == "id,name,email\n1,Ada,\n2,Grace,grace@example.com\n");
  CHECK_FALSE(std::filesystem::exists(scratch.path("out/people-2.csv")));
  // A later run with fewer columns appends under the same header.
  auto narrow = scratch.write(
      "narrow.singer",
      "{\"type\":\"SCHEMA\",\"stream\":\"people\",\"schema\":{\"type\":\"object\",\"properties\":"
      "{\"id\":{\"type\":\"integer\"}}},\"key_properties\":[\"id\"]}\n"
      "{\"type\":\"RECORD\",\"stream\":\"people\",\"record\":{\"id\":3}}\n");
  result = require_success(chorus_exec("target-csv", config, narrow));
  CHECK(scratch.read("out/people.csv") ==
        "id,name,email\n1,Ada,\n2,Grace,grace@example.com\n3,,\n");
}

TEST_CASE("target-csv creates no file for a stream without records") {
  Scratch scratch;
  auto config = scratch.write_json("target.json", {{"destination_path", scratch.path("out")}});
  auto input = scratch.write(
      "in.singer", std::string(kOrdersSchema) + "{\"type\":\"STATE\",\"value\":{\"n\":1}}\n");
  RunResult result = require_success(chorus_exec("target-csv", config, input));
  CHECK(result.states().size() == 1);
  CHECK_FALSE(std::filesystem::exists(scratch.path("out/orders.csv")));
}

TEST_CASE("target-csv appends across runs, cuts a torn row and skips redelivered rows") {
  Scratch scratch;
  // The last row was cut inside a quoted cell that holds a line break.
  scratch.write("out/orders.csv", "id,status\n1,new\n2,\"half\nwritten");
  auto config = scratch.write_target_config();
  auto input = scratch.write("in.singer", std::string(kOrdersSchema) + order(1, "new") +
                                              order(2, "two\\nlines") + order(1, "paid"));
  RunResult result = require_success(chorus_exec("target-csv", config, input));
  CHECK(result.err.find("left unfinished") != std::string::npos);
  CHECK(scratch.read("out/orders.csv") == "id,status\n1,new\n2,\"two\nlines\"\n1,paid\n");
  // The last records again, as a resumed run re-sends what followed its last STATE: each is
  // its key's latest row already, so nothing is written.
  auto again = scratch.write(
      "again.singer", std::string(kOrdersSchema) + order(2, "two\\nlines") + order(1, "paid"));
  result = require_success(chorus_exec("target-csv", config, again));
  CHECK(scratch.read("out/orders.csv") == "id,status\n1,new\n2,\"two\nlines\"\n1,paid\n");
}

TEST_CASE("target-csv refuses a record without its key property, naming stream, line, key") {
  Scratch scratch;
  auto config = scratch.write_json("target.json", {{"destination_path", scratch.path("out")}});
  auto input = scratch.write(
      "in.singer",
      std::string(kOrdersSchema) + order(1, "new") +
          "{\"type\":\"RECORD\",\"stream\":\"orders\",\"record\":{\"status\":\"x\"}}\n");
  RunResult result = chorus_exec("target-csv", config, input, {});
  CHECK(result.exit_code != 0);
  CHECK(result.err.find("stream 'orders', line 3") != std::string::npos);
  CHECK(result.err.find("no value for key property 'id'") != std::string::npos);
}

TEST_CASE("a write that fails on the writer thread fails the run and holds its STATE back") {
  // The stream's file is /dev/full: opening it succeeds, every write fails with ENOSPC. The
  // rows are written on the writer thread; its error must reach the run, and the STATE after
  // the rows must not go out.
  Scratch scratch;
  std::filesystem::create_directories(scratch.path("out"));
  std::filesystem::create_symlink("/dev/full", scratch.path("out/orders.csv"));
  auto config = scratch.write_json("target.json", {{"destination_path", scratch.path("out")}});
  std::string input = kOrdersSchema;
  for (int id = 1; id <= 20000; ++id) input += order(id, "new");
  input += "{\"type\":\"STATE\",\"value\":{\"position\":20000}}\n";
  for (int id = 20001; id <= 30000; ++id) input += order(id, "new");
  RunResult result = chorus_exec("target-csv", config, scratch.write("in.singer", input), {});
  CHECK(result.exit_code != 0);
  CHECK(result.err.find("cannot write '" + scratch.path("out/orders.csv").string() + "'") !=
        std::string::npos);
  CHECK(result.err.find("No space left on device") != std::string::npos);
  CHECK(result.states().empty());
}

TEST_CASE("target-csv writes the _sdc_ metadata columns after the stream's own") {
  Scratch scratch;
  auto config = scratch.write_json("target.json", {{"destination_path", scratch.path("out")}});
  auto input = scratch.write(
      "in.singer", std::string(kOrdersSchema) +
                       "{\"type\":\"RECORD\",\"stream\":\"orders\",\"record\":{\"id\":1,\"status\":"
                       "\"new\"},\"time_extracted\":\"2026-11-01T10:00:00Z\",\"version\":3}\n"
                       // A change log's deletion: its own _sdc_deleted_at fills that column.
                       "{\"type\":\"RECORD\",\"stream\":\"orders\",\"record\":{\"id\":2,\"status\":"
                       "\"gone\",\"_sdc_deleted_at\":\"2026-11-02T00:00:00Z\"},\"version\":3}\n");
  require_success(chorus_exec("target-csv", config, input));
  const std::string text = scratch.read("out/orders.csv");
  CHECK(text.rfind("id,status,_sdc_extracted_at,_sdc_received_at,_sdc_batched_at,_sdc_deleted_at,"
                   "_sdc_sequence,_sdc_table_version\n1,new,2026-11-01T10:00:00Z,",
                   0) == 0);
  CHECK(text.size() > 100);
  CHECK(text.substr(text.size() - 3) == ",3\n");
  // The cells of the row that starts with `start` (no cell here is quoted).
  const auto cells_of_row = [&](const std::string &start) {
    std::vector<std::string> cells(1);
    const std::size_t row = text.find("\n" + start);
    REQUIRE(row != std::string::npos);
    for (std::size_t i = row + 1; i < text.size() && text[i] != '\n'; ++i) {
      if (text[i] == ',') {
        cells.emplace_back();
      } else {
        cells.back().push_back(text[i]);
      }
    }
    return cells;
  };
  const std::vector<std::string> deletion = cells_of_row("2,gone,");
  REQUIRE(deletion.size() == 8);
  CHECK(deletion[5] == "2026-11-02T00:00:00Z");
  const std::vector<std::string> kept = cells_of_row("1,new,");
  REQUIRE(kept.size() == 8);
  CHECK(kept[5].empty());
}

}  // namespace chorus::file_plugins_test
