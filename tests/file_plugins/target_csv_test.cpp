// target-csv through `chorus exec`: RFC 4180 quoting, NULL vs empty string, exact numbers, and
// the round trip through tap-csv.
#include <doctest/doctest.h>

#include "chorus_process.h"

namespace chorus::file_plugins_test {

TEST_CASE("target-csv quotes per RFC 4180, writes NULL as an empty field and '' as \"\"") {
  Scratch scratch;
  auto config = scratch.write_json("target.json", {{"destination_path", scratch.path("out")}});
  RunResult result = chorus_exec("target-csv", config, fixture("values_and_nulls.singer"));
  REQUIRE_MESSAGE(result.exit_code == 0, result.err);
  CHECK(scratch.read("out/values.csv") ==
        "id,amount,ratio,note,flag,tags\n"
        "1,1234.50,0.25,plain,true,\"[\"\"a\"\",\"\"b\"\"]\"\n"
        "2,12345678901234567890.123456789,,\"\",false,[]\n"
        "3,-0.000100,1e3,,,\n"
        "4,0,,\"comma, \"\"quote\"\" and\nline break\",true,\n");
}

TEST_CASE("target-csv echoes each STATE once the rows before it are in the file") {
  Scratch scratch;
  auto config = scratch.write_json(
      "target.json", {{"destination_path", scratch.path("out")}, {"batch_size_rows", 2}});
  RunResult result = chorus_exec("target-csv", config, fixture("upsert_last_wins.singer"));
  REQUIRE_MESSAGE(result.exit_code == 0, result.err);
  auto states = result.states();
  REQUIRE(states.size() == 2);
  CHECK(states.back()["bookmarks"]["orders"]["position"] == 2);
  // A file target appends: every record is a row.
  CHECK(scratch.read("out/orders.csv") ==
        "id,status\n1,new\n2,new\n1,paid\n3,new\n1,shipped\n2,paid\n");
}

TEST_CASE("target-csv applies the delimiter and file naming settings") {
  Scratch scratch;
  auto config = scratch.write_json("target.json", {{"destination_path", scratch.path("out")},
                                                   {"delimiter", ";"},
                                                   {"file_naming", "export-{stream}.txt"}});
  RunResult result = chorus_exec("target-csv", config, fixture("appends_without_keys.singer"));
  REQUIRE_MESSAGE(result.exit_code == 0, result.err);
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
  RunResult extracted = chorus_exec("tap-csv", tap);
  REQUIRE_MESSAGE(extracted.exit_code == 0, extracted.err);
  auto stream = scratch.write("orders.singer", extracted.out);
  auto target = scratch.write_json("target.json", {{"destination_path", scratch.path("out")}});
  RunResult loaded = chorus_exec("target-csv", target, stream);
  REQUIRE_MESSAGE(loaded.exit_code == 0, loaded.err);
  CHECK(scratch.read("out/orders.csv") == original);
}

}  // namespace chorus::file_plugins_test
