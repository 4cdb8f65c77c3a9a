#include "chorus/sql/value_fit.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "../thrown_error.h"
#include "chorus/plugin/errors.h"
#include "chorus/sql/postgres_dialect.h"
#include "chorus/sql/stream_tables.h"

using namespace chorus::sql;
using chorus::testing::thrown;
using nlohmann::json;

namespace {

// PostgreSQL's statements with decimals bounded at 38 digits, as Redshift and Snowflake have.
class BoundedDialect : public PostgresDialect {
 public:
  int max_decimal_precision() const override { return 38; }
};

// A record of number fields; the views point at string literals.
chorus::singer::RecordView record_of(
    const std::vector<std::pair<std::string_view, std::string_view>> &numbers) {
  chorus::singer::RecordView record;
  for (const auto &[name, text] : numbers) {
    chorus::singer::Field field;
    field.name = name;
    field.value.kind = chorus::singer::ValueKind::Number;
    field.value.text = text;
    record.fields.push_back(field);
  }
  return record;
}

TablePlan plan_of(const Dialect &dialect, const char *properties) {
  return plan_table(dialect, "s", json{{"type", "object"}, {"properties", json::parse(properties)}},
                    {}, std::nullopt);
}

}  // namespace

TEST_CASE("a bounded warehouse sizes an unconstrained decimal from the first batch") {
  BoundedDialect bounded;
  TablePlan plan = plan_of(bounded, R"({"tiny":{"type":"number"},"big":{"type":"number"},
                                        "none":{"type":"number"},"cents":{"type":"number","multipleOf":0.01}})");
  chorus::singer::RecordBatch batch;
  batch.append(
      record_of(
          {{"tiny", "1e-30"}, {"big", "99999999999999999999999999999999999999"}, {"cents", "5"}}),
      1);
  batch.append(record_of({{"tiny", "-12.5"}}), 2);
  size_decimals_from_data(bounded, plan, &batch);
  CHECK(column_fed_by(plan, "tiny")->type.describe() == "decimal(38,30)");
  CHECK(column_fed_by(plan, "big")->type.describe() == "decimal(38,0)");
  CHECK(column_fed_by(plan, "none")->type.describe() == "decimal(38,9)");
  CHECK(column_fed_by(plan, "cents")->type.describe() == "decimal(38,2)");

  // Later values that do not fit are refused, naming the line, the property and the value.
  chorus::singer::RecordBatch later;
  later.append(record_of({{"tiny", "123456789"}}), 7);
  later.append(record_of({{"tiny", "1e-31"}}), 8);
  const auto error = thrown<chorus::FatalError>(
      [&] { check_values_fit(bounded, plan, later, "target-x", "s"); }, "expected a refusal");
  CHECK(std::string(error.what()) ==
        "target-x: stream 's', line 7: property 'tiny' value 123456789 cannot be stored "
        "exactly: it has 9 digits before the point and the column (numeric(38,30)) holds 8; "
        "nothing of this batch was loaded. Fix the value at the source, or give the property "
        "a type or size in the schema that holds it (or widen column 'tiny' yourself), then "
        "run again");
  chorus::singer::RecordBatch scale;
  scale.append(record_of({{"tiny", "1e-31"}}), 9);
  CHECK_THROWS_WITH_AS(check_values_fit(bounded, plan, scale, "target-x", "s"),
                       doctest::Contains("line 9: property 'tiny' value 1e-31 cannot be stored "
                                         "exactly: it has 31 digits after the point"),
                       chorus::FatalError);
}

TEST_CASE("postgres keeps unconstrained decimals as numeric and checks bounded ones") {
  PostgresDialect pg;
  TablePlan plan = plan_of(
      pg, R"({"n":{"type":"number"},"p":{"type":"number","x-sql-precision":5,"x-sql-scale":2}})");
  size_decimals_from_data(pg, plan, nullptr);
  CHECK(pg.column_type(column_fed_by(plan, "n")->type) == "numeric");
  chorus::singer::RecordBatch batch;
  batch.append(record_of({{"n", "1e-999"}, {"p", "123.45"}}), 1);
  CHECK_NOTHROW(check_values_fit(pg, plan, batch, "target-postgres", "s"));
  batch.append(record_of({{"p", "1.005"}}), 2);
  CHECK_THROWS_WITH_AS(
      check_values_fit(pg, plan, batch, "target-postgres", "s"),
      doctest::Contains("line 2: property 'p' value 1.005 cannot be stored exactly"),
      chorus::FatalError);
}

TEST_CASE("postgres refuses U+0000 in text before COPY, naming the line and property") {
  PostgresDialect pg;
  TablePlan plan = plan_of(pg, R"({"v":{"type":"string"}})");
  chorus::singer::RecordBatch batch;
  chorus::singer::RecordView record;
  chorus::singer::Field field;
  field.name = "v";
  field.value.kind = chorus::singer::ValueKind::String;
  static const std::string with_nul("a\0b", 3);
  field.value.text = with_nul;
  record.fields.push_back(field);
  batch.append(record, 21);
  CHECK_THROWS_WITH_AS(check_values_fit(pg, plan, batch, "target-postgres", "s"),
                       doctest::Contains("line 21: property 'v' value \"a\\u0000b\""),
                       chorus::FatalError);
  CHECK_THROWS_WITH_AS(check_values_fit(pg, plan, batch, "target-postgres", "s"),
                       doctest::Contains("it contains U+0000, which PostgreSQL text cannot hold"),
                       chorus::FatalError);
}

TEST_CASE("two streams that would share a table are refused unless table_names parts them") {
  PostgresDialect pg;
  StreamTables tables(json{{"default_target_schema", "analytics"}}, "target-postgres");
  CHECK(tables.claim(pg, "sales-orders", "public").table == "orders");
  CHECK(tables.claim(pg, "sales-orders", "public").table == "orders");  // the same stream again
  CHECK_THROWS_WITH_AS(tables.claim(pg, "archive-orders", "public"),
                       "target-postgres: streams 'sales-orders' and 'archive-orders' would both "
                       "load into table \"analytics\".\"orders\", mixing their rows; map one of "
                       "them to another table with the table_names setting, e.g. "
                       "\"table_names\": {\"archive-orders\": \"orders_2\"}",
                       chorus::FatalError);

  StreamTables mapped(json{{"default_target_schema", "analytics"},
                           {"table_names", {{"archive-orders", "archive_orders"}, {"x", "s2.t"}}}},
                      "target-postgres");
  CHECK(mapped.claim(pg, "sales-orders", "public").table == "orders");
  CHECK(mapped.claim(pg, "archive-orders", "public").table == "archive_orders");
  TableName qualified = mapped.claim(pg, "x", "public");
  CHECK(qualified.schema == "s2");
  CHECK(qualified.table == "t");
  CHECK_THROWS_AS(StreamTables(json{{"table_names", {{"a", 5}}}}, "t"), chorus::ConfigError);

  StreamTables sqlite(json::object(), "target-sqlite");
  sqlite.claim_name("Orders", "Orders", true);
  CHECK_THROWS_AS(sqlite.claim_name("orders", "orders", true), chorus::FatalError);
}

TEST_CASE("integers beyond their column's range are refused before the load") {
  PostgresDialect pg;
  TablePlan plan = plan_of(pg, R"({"big":{"type":"integer"},
                                   "small":{"type":"integer","minimum":0,"maximum":100}})");
  chorus::singer::RecordBatch ok;
  ok.append(record_of({{"big", "9223372036854775807"}, {"small", "32767"}}), 1);
  ok.append(record_of({{"big", "-9223372036854775808"}, {"small", "-32768"}}), 2);
  CHECK_NOTHROW(check_values_fit(pg, plan, ok, "target-postgres", "s"));
  chorus::singer::RecordBatch beyond;
  beyond.append(record_of({{"big", "1180591620717411303425"}}), 3);
  CHECK_THROWS_WITH_AS(check_values_fit(pg, plan, beyond, "target-postgres", "s"),
                       "target-postgres: stream 's', line 3: property 'big' value "
                       "1180591620717411303425 cannot be stored exactly: it is outside the range "
                       "of the column (bigint, -9223372036854775808 to 9223372036854775807); "
                       "nothing of this batch was loaded. Fix the value at the source, or give "
                       "the property a type or size in the schema that holds it (or widen column "
                       "'big' yourself), then run again",
                       chorus::FatalError);
  chorus::singer::RecordBatch small;
  small.append(record_of({{"small", "-32769"}}), 4);
  CHECK_THROWS_WITH_AS(check_values_fit(pg, plan, small, "target-postgres", "s"),
                       doctest::Contains("(smallint, -32768 to 32767)"), chorus::FatalError);
}
