// `--select` and `chorus select PIPELINE --list` through the chorus program, on tap-csv streams:
// names that match nothing are errors with a did-you-mean hint, `!stream.property` excludes.
#include <doctest/doctest.h>

#include "chorus_process.h"

namespace chorus::file_plugins_test {
namespace {

bool contains(const std::string &text, const std::string &part) {
  return text.find(part) != std::string::npos;
}

// A pipeline file: tap-csv over sales.csv and users.csv, into target-jsonl's folder `out`.
std::filesystem::path sales_pipeline(const Scratch &scratch, const std::string &select_yaml = "") {
  scratch.write("data/sales.csv", "id,customer,amount\n1,Ann,10.50\n2,Bob,3\n");
  scratch.write("data/users.csv", "id,email\n1,ann@example.com\n");
  nlohmann::json tap = {{"files",
                         {{{"entity", "sales"},
                           {"path", (scratch.dir() / "data" / "sales.csv").string()},
                           {"keys", {"id"}}},
                          {{"entity", "users"},
                           {"path", (scratch.dir() / "data" / "users.csv").string()},
                           {"keys", {"id"}}}}}};
  nlohmann::json target = {{"destination_path", (scratch.dir() / "out").string()}};
  return scratch.write("pipeline.yml",
                       "name: sales\ntap:\n  plugin: tap-csv\n  config: " + tap.dump() + "\n" +
                           select_yaml +
                           "target:\n  plugin: target-jsonl\n  config: " + target.dump() + "\n");
}

std::vector<nlohmann::json> loaded(const Scratch &scratch, const std::string &stream) {
  std::vector<nlohmann::json> rows;
  std::istringstream lines(read_file(scratch.path("out/" + stream + ".jsonl")));
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) rows.push_back(nlohmann::json::parse(line));
  }
  return rows;
}

}  // namespace

TEST_CASE("--select with a misspelled property fails with a did-you-mean hint, loading nothing") {
  Scratch scratch;
  auto pipeline = sales_pipeline(scratch);
  RunResult result = chorus({"run", "--pipeline", pipeline.string(), "--select", "sales.custommer"},
                            scratch.dir());
  CAPTURE(result.err);
  CHECK(result.exit_code != 0);
  CHECK(contains(result.err, "select pattern 'sales.custommer'"));
  CHECK(contains(result.err, "did you mean 'customer'?"));
  CHECK(contains(result.err, "amount, customer, id"));
  CHECK_FALSE(std::filesystem::exists(scratch.path("out/sales.jsonl")));
}

TEST_CASE("--select with a misspelled stream fails with a did-you-mean hint") {
  Scratch scratch;
  auto pipeline = sales_pipeline(scratch);
  RunResult result =
      chorus({"run", "--pipeline", pipeline.string(), "--select", "sale"}, scratch.dir());
  CAPTURE(result.err);
  CHECK(result.exit_code != 0);
  CHECK(contains(result.err, "select pattern 'sale' matches no stream"));
  CHECK(contains(result.err, "did you mean 'sales'?"));
  CHECK(contains(result.err, "sales, users"));
}

TEST_CASE("!stream.property excludes a property, the rest of the streams load") {
  Scratch scratch;
  auto pipeline = sales_pipeline(scratch);
  require_success(chorus({"run", "--pipeline", pipeline.string(), "--select", "!sales.customer"},
                         scratch.dir()));
  auto sales = loaded(scratch, "sales");
  REQUIRE(sales.size() == 2);
  CHECK_FALSE(sales[0].contains("customer"));
  CHECK(contains(read_file(scratch.path("out/sales.jsonl")), "\"amount\":10.50"));
  CHECK(loaded(scratch, "users").size() == 1);  // only exclusions: everything else is selected
}

TEST_CASE("chorus select PIPELINE --list shows every stream and property with its state") {
  Scratch scratch;
  auto pipeline = sales_pipeline(scratch, "  select: [\"sales.*\", \"!sales.customer\"]\n");
  RunResult result =
      require_success(chorus({"select", pipeline.string(), "--list"}, scratch.dir()));
  CHECK(result.out ==
        "[selected ] sales\n"
        "[selected ] sales.amount\n"
        "[excluded ] sales.customer\n"
        "[automatic] sales.id\n"
        "[excluded ] users\n"
        "[excluded ] users.email\n"
        "[excluded ] users.id\n");
}

TEST_CASE("chorus select --list checks its patterns as a run would") {
  Scratch scratch;
  auto pipeline = sales_pipeline(scratch);
  RunResult result =
      chorus({"select", pipeline.string(), "--list", "--select", "users.emial"}, scratch.dir());
  CHECK(result.exit_code != 0);
  CHECK(contains(result.err, "did you mean 'email'?"));
}

}  // namespace chorus::file_plugins_test
