#include "chorus/sql/table_plan.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "chorus/plugin/errors.h"
#include "chorus/sql/metadata_columns.h"
#include "chorus/sql/postgres_dialect.h"

using namespace chorus::sql;
using nlohmann::json;

namespace {

json schema_of(const char *properties) {
  return json{{"type", "object"}, {"properties", json::parse(properties)}};
}

std::vector<Column> existing_from(const TablePlan &plan) { return plan.columns; }

const Column *find(const std::vector<Column> &columns, const std::string &name) {
  for (const auto &column : columns) {
    if (column.name == name) return &column;
  }
  return nullptr;
}

// A dialect that cannot alter column types in place (like Redshift for non-varchar types).
class RigidDialect : public PostgresDialect {
 public:
  bool can_alter_type(const LogicalType &, const LogicalType &) const override { return false; }
};

}  // namespace

TEST_CASE("a new table gets the properties then the metadata columns") {
  PostgresDialect pg;
  auto plan = plan_table(pg, "orders", schema_of(R"({"id":{"type":"integer"},
      "amount":{"type":"number","x-sql-precision":10,"x-sql-scale":2}})"),
                         {"id"}, std::nullopt);
  CHECK(plan.create_table);
  REQUIRE(plan.columns.size() == 8);
  CHECK(plan.columns[0].name == "amount");
  CHECK(plan.columns[1].name == "id");
  CHECK(plan.columns[2].name == "_sdc_extracted_at");
  CHECK(plan.columns[7].name == "_sdc_table_version");
  CHECK(plan.property_of[1] == "id");
  CHECK(plan.key_columns == std::vector<std::string>{"id"});
  CHECK(plan.add.empty());
}

TEST_CASE("new columns follow the order the tap listed its properties in") {
  PostgresDialect pg;
  auto plan =
      plan_table(pg, "orders", schema_of(R"({"zeta":{"type":"string"},"id":{"type":"integer"},
                                       "alpha":{"type":"string"},"extra":{"type":"string"}})"),
                 {"id"}, std::nullopt, {"zeta", "id", "alpha", "gone"});
  REQUIRE(plan.columns.size() == 10);
  // Listed ones first (a name the schema lacks is skipped), then the rest sorted.
  CHECK(plan.columns[0].name == "zeta");
  CHECK(plan.columns[1].name == "id");
  CHECK(plan.columns[2].name == "alpha");
  CHECK(plan.columns[3].name == "extra");
  CHECK(plan.columns[4].name == "_sdc_extracted_at");
}

TEST_CASE("a schema declaring _sdc_deleted_at keeps one such column") {
  auto plan = plan_table(PostgresDialect(), "s", schema_of(R"({"id":{"type":"integer"},
      "_sdc_deleted_at":{"type":["null","string"],"format":"date-time"}})"),
                         {"id"}, std::nullopt);
  int count = 0;
  for (const auto &column : plan.columns) count += column.name == "_sdc_deleted_at";
  CHECK(count == 1);
}

TEST_CASE("an unchanged schema plans no change") {
  PostgresDialect pg;
  json schema = schema_of(R"({"id":{"type":"integer"},"name":{"type":"string"}})");
  auto first = plan_table(pg, "s", schema, {"id"}, std::nullopt);
  auto again = plan_table(pg, "s", schema, {"id"}, existing_from(first));
  CHECK_FALSE(again.create_table);
  CHECK(again.add.empty());
  CHECK(again.alter.empty());
  CHECK(again.notices.empty());
}

TEST_CASE("new properties become new columns, dropped ones stay") {
  PostgresDialect pg;
  auto first =
      plan_table(pg, "s", schema_of(R"({"id":{"type":"integer"},"old":{"type":"string"}})"), {"id"},
                 std::nullopt);
  auto next =
      plan_table(pg, "s", schema_of(R"({"id":{"type":"integer"},"new":{"type":"boolean"}})"),
                 {"id"}, existing_from(first));
  REQUIRE(next.add.size() == 1);
  CHECK(next.add[0].name == "new");
  CHECK(find(next.columns, "old") == nullptr);  // not loaded, but not dropped either
}

TEST_CASE("a wider type widens the column in place") {
  PostgresDialect pg;
  auto first = plan_table(pg, "s", schema_of(R"({"id":{"type":"integer"},
      "code":{"type":"string","maxLength":5}})"),
                          {"id"}, std::nullopt);
  auto next = plan_table(pg, "s", schema_of(R"({"id":{"type":"integer"},
      "code":{"type":"string","maxLength":50}})"),
                         {"id"}, existing_from(first));
  REQUIRE(next.alter.size() == 1);
  CHECK(next.alter[0].column == "code");
  CHECK(next.alter[0].to.describe() == "text(50)");
  CHECK(find(next.columns, "code")->type.describe() == "text(50)");
  // A narrower type fits the existing column.
  auto narrower = plan_table(pg, "s", schema_of(R"({"id":{"type":"integer"},
      "code":{"type":"string","maxLength":2}})"),
                             {"id"}, existing_from(first));
  CHECK(narrower.alter.empty());
  CHECK(find(narrower.columns, "code")->type.describe() == "text(5)");
}

TEST_CASE("an incompatible change loads into a versioned column and keeps the old one") {
  PostgresDialect pg;
  auto first = plan_table(pg, "s", schema_of(R"({"id":{"type":"integer"},
      "when":{"type":"integer"}})"),
                          {"id"}, std::nullopt);
  auto second = plan_table(pg, "s", schema_of(R"({"id":{"type":"integer"},
      "when":{"type":"string","format":"date-time"}})"),
                           {"id"}, existing_from(first));
  REQUIRE(second.add.size() == 1);
  CHECK(second.add[0].name == "when__v2");
  CHECK(second.property_of[1] == "when");
  CHECK(second.columns[1].name == "when__v2");
  REQUIRE(second.notices.size() == 1);
  CHECK(second.notices[0].find("column 'when' and its data are kept") != std::string::npos);

  // The table now has both; the same schema again reuses when__v2.
  std::vector<Column> both = existing_from(first);
  both.push_back(second.add[0]);
  auto third = plan_table(pg, "s", schema_of(R"({"id":{"type":"integer"},
      "when":{"type":"string","format":"date-time"}})"),
                          {"id"}, both);
  CHECK(third.add.empty());
  CHECK(third.columns[1].name == "when__v2");
}

TEST_CASE("a widening the dialect cannot apply is versioned too") {
  RigidDialect rigid;
  auto first = plan_table(rigid, "s", schema_of(R"({"n":{"type":"integer","minimum":0,
      "maximum":10}})"),
                          {}, std::nullopt);
  auto next =
      plan_table(rigid, "s", schema_of(R"({"n":{"type":"integer"}})"), {}, existing_from(first));
  REQUIRE(next.add.size() == 1);
  CHECK(next.add[0].name == "n__v2");
}

TEST_CASE("an incompatible key change is an error naming stream and property") {
  PostgresDialect pg;
  auto first =
      plan_table(pg, "orders", schema_of(R"({"id":{"type":"integer"}})"), {"id"}, std::nullopt);
  CHECK_THROWS_WITH_AS(
      plan_table(pg, "orders", schema_of(R"({"id":{"type":"string","format":"uuid"}})"), {"id"},
                 existing_from(first)),
      doctest::Contains("stream 'orders': key property 'id'"), chorus::FatalError);
  CHECK_THROWS_AS(
      plan_table(pg, "orders", schema_of(R"({"x":{"type":"integer"}})"), {"id"}, std::nullopt),
      chorus::FatalError);
}

TEST_CASE("properties that collide after naming get distinct columns") {
  IdentifierRules lower{127, '"', CaseFolding::Lower};
  class LowerDialect : public PostgresDialect {
   public:
    explicit LowerDialect(IdentifierRules rules) : rules_(rules) {}
    const IdentifierRules &identifier_rules() const override { return rules_; }

   private:
    IdentifierRules rules_;
  } dialect(lower);
  auto plan = plan_table(dialect, "s", schema_of(R"({"Name":{"type":"string"},
      "name":{"type":"string"}})"),
                         {}, std::nullopt);
  CHECK(plan.columns[0].name == "name");
  CHECK(plan.columns[1].name == "name" + hash_suffix("name"));
}

TEST_CASE("a plan tells which column a property or metadata column feeds") {
  PostgresDialect pg;
  auto plan =
      plan_table(pg, "orders", schema_of(R"({"id":{"type":"integer"}})"), {"id"}, std::nullopt);
  const Column *sequence = column_fed_by(plan, kSequence);
  REQUIRE(sequence);
  CHECK(sequence->name == "_sdc_sequence");
  REQUIRE(column_fed_by(plan, "id"));
  CHECK(column_fed_by(plan, "id")->name == "id");
  CHECK(column_fed_by(plan, "missing") == nullptr);
}
