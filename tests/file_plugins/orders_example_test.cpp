// examples/orders: the pipeline loads both extracts, and a second run loads only the rows
// changed since the bookmark.
#include <doctest/doctest.h>

#include <filesystem>

#include "chorus_process.h"
#include "sqlite_rows.h"

namespace chorus::file_plugins_test {
namespace fs = std::filesystem;

TEST_CASE("examples/orders loads every order once and a second run reloads only the newest") {
  Scratch scratch;
  const fs::path pipeline = source_path("examples/orders/pipeline.yml");
  const std::string output = "CHORUS_OUTPUT_DIR=" + scratch.path("out").string();
  const fs::path db = scratch.path("out/orders.db");

  require_success(chorus({"run", "--pipeline", pipeline.string()}, scratch.dir(), {output}));
  CHECK(query_value(db, "SELECT count(*) FROM orders") == "23");
  CHECK(query_value(db, "SELECT OrderStatus FROM orders WHERE OrderId = 1002") == "shipped");
  CHECK(query_value(db, "SELECT Amount FROM orders WHERE OrderId = 1001") == "1234.50");
  auto state = nlohmann::json::parse(read_file(scratch.path("out/orders.state.json")));
  CHECK(state["bookmarks"]["orders"]["replication_key_value"] == "2026-11-02T14:47:52Z");

  require_success(chorus({"run", "--pipeline", pipeline.string()}, scratch.dir(), {output}));
  CHECK(query_value(db, "SELECT count(*) FROM orders") == "23");
  // Only the row equal to the bookmark came again.
  CHECK(query(db,
              "SELECT OrderId FROM orders WHERE _sdc_batched_at = "
              "(SELECT max(_sdc_batched_at) FROM orders)") ==
        std::vector<std::vector<std::string>>{{"1023"}});
}

TEST_CASE("examples/orders: a later extract loads only the rows changed since the bookmark") {
  Scratch scratch;
  fs::copy_file(source_path("examples/orders/pipeline.yml"), scratch.path("pipeline.yml"));
  fs::create_directories(scratch.path("data"));
  fs::copy_file(source_path("examples/orders/data/orders-2026-11-01.csv"),
                scratch.path("data/orders-2026-11-01.csv"));
  const fs::path db = scratch.path("out/orders.db");

  require_success(
      chorus({"run", "--pipeline", "pipeline.yml"}, scratch.dir(), {"CHORUS_OUTPUT_DIR=out"}));
  CHECK(query_value(db, "SELECT count(*) FROM orders") == "20");
  CHECK(query_value(db, "SELECT OrderStatus FROM orders WHERE OrderId = 1002") == "pending");

  fs::copy_file(source_path("examples/orders/data/orders-2026-11-02.csv"),
                scratch.path("data/orders-2026-11-02.csv"));
  require_success(
      chorus({"run", "--pipeline", "pipeline.yml"}, scratch.dir(), {"CHORUS_OUTPUT_DIR=out"}));
  CHECK(query_value(db, "SELECT count(*) FROM orders") == "23");
  CHECK(query_value(db, "SELECT OrderStatus FROM orders WHERE OrderId = 1002") == "shipped");
  // 10 rows came: order 1020's row at the bookmark and the 9 rows of the new file, which has
  // 1020 too; the batch keeps the last row of each order, so 9 orders were written.
  CHECK(query_value(db,
                    "SELECT count(*) FROM orders WHERE _sdc_batched_at = "
                    "(SELECT max(_sdc_batched_at) FROM orders)") == "9");
}

}  // namespace chorus::file_plugins_test
