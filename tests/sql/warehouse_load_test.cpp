#include "chorus/sql/warehouse_load.h"

#include <doctest/doctest.h>

#include "../thrown_error.h"
#include "chorus/plugin/errors.h"
#include "chorus/sql/postgres_dialect.h"
#include "type_of.h"

using namespace chorus::sql;
using chorus::sql::testing::of;
using chorus::testing::thrown_message;

TEST_CASE("warehouse settings: default schema, hard_delete and grants per schema") {
  auto settings = WarehouseSettings::from_config(
      {{"default_target_schema", "raw"},
       {"hard_delete", true},
       {"grants", {{"raw", {"GROUP analysts", "alice"}}, {"mart", nlohmann::json::array()}}}},
      "target-x");
  CHECK(settings.default_schema == "raw");
  CHECK(settings.hard_delete);
  CHECK(settings.grantees("raw") == std::vector<std::string>{"GROUP analysts", "alice"});
  CHECK(settings.grantees("mart").empty());
  CHECK(settings.grantees("elsewhere").empty());

  auto defaults = WarehouseSettings::from_config(nlohmann::json::object(), "target-x");
  CHECK(defaults.default_schema.empty());
  CHECK_FALSE(defaults.hard_delete);
  CHECK(defaults.grants.empty());
}

TEST_CASE("grants that are not lists of names are a configuration error naming the schema") {
  const std::string message = thrown_message<chorus::ConfigError>(
      [&] {
        WarehouseSettings::from_config({{"grants", {{"raw", {"alice", 7}}}}}, "target-x");
      },
      "expected a configuration error");
  CHECK(message.find("target-x: grants.\"raw\" holds 7") != std::string::npos);
  CHECK_THROWS_AS(WarehouseSettings::from_config({{"grants", {{"raw", "alice"}}}}, "target-x"),
                  chorus::ConfigError);
  CHECK_THROWS_AS(WarehouseSettings::from_config({{"grants", {"raw"}}}, "target-x"),
                  chorus::ConfigError);
}

TEST_CASE("the settings schema describes where streams land and what grants look like") {
  auto properties = warehouse_settings_properties("public", R"("analytics": ["alice"])");
  CHECK(properties["default_target_schema"]["description"].get<std::string>().find(
            "any other in public.") != std::string::npos);
  CHECK(properties["grants"]["description"].get<std::string>().find(
            R"({"analytics": ["alice"]})") != std::string::npos);
  CHECK(properties["grants"]["additionalProperties"]["items"]["type"] == "string");
}

TEST_CASE("the catalog query reads information_schema.columns with literal names") {
  PostgresDialect pg;
  CHECK(catalog_columns_query(pg, {"sales", "o'rders"}) ==
        "SELECT column_name, data_type, character_maximum_length, numeric_precision, "
        "numeric_scale FROM information_schema.columns WHERE table_schema = 'sales' AND "
        "table_name = 'o''rders' ORDER BY ordinal_position");
  CHECK(catalog_columns_query(pg, {"s", "t"}, "\"DB\".information_schema")
            .find("FROM \"DB\".information_schema.columns") != std::string::npos);
}

TEST_CASE("catalog rows become typed columns; no rows means no table") {
  PostgresDialect pg;
  CHECK_FALSE(existing_columns(pg, {}).has_value());
  auto columns =
      existing_columns(pg, {{"id", "bigint", std::nullopt, "64", "0"},
                            {"name", "character varying", "40", std::nullopt, std::nullopt},
                            {"amount", "numeric", std::nullopt, "12", "2"}});
  REQUIRE(columns);
  REQUIRE(columns->size() == 3);
  CHECK((*columns)[0].name == "id");
  CHECK((*columns)[0].type.describe() == "integer(8)");
  CHECK((*columns)[1].type.describe() == "text(40)");
  CHECK((*columns)[2].type.describe() == "decimal(12,2)");
}

TEST_CASE("table preparation: schema, then the new table or its added and widened columns") {
  PostgresDialect pg;
  const TableName table{"sales", "orders"};
  TablePlan fresh;
  fresh.create_table = true;
  fresh.columns = {{"id", of(TypeKind::Integer)}};
  fresh.key_columns = {"id"};
  CHECK(
      prepare_table(pg, table, fresh) ==
      std::vector<std::string>{
          "CREATE SCHEMA IF NOT EXISTS \"sales\"",
          "CREATE TABLE IF NOT EXISTS \"sales\".\"orders\" (\"id\" bigint, PRIMARY KEY (\"id\"))"});

  TablePlan evolved;
  evolved.add = {{"status", of(TypeKind::Text)}};
  evolved.alter = {{"note", of(TypeKind::Text), of(TypeKind::Text)}};
  auto statements = prepare_table(pg, table, evolved);
  REQUIRE(statements.size() == 3);
  CHECK(statements[1] == "ALTER TABLE \"sales\".\"orders\" ADD COLUMN \"status\" text");
  CHECK(statements[2].rfind("ALTER TABLE \"sales\".\"orders\" ALTER COLUMN \"note\" TYPE", 0) == 0);
}

TEST_CASE("grants give each entry of the schema usage and select, in config order") {
  PostgresDialect pg;
  auto settings =
      WarehouseSettings::from_config({{"grants", {{"sales", {"bi", "ops"}}}}}, "target-x");
  CHECK(grant_statements(pg, "sales", settings) ==
        std::vector<std::string>{"GRANT USAGE ON SCHEMA \"sales\" TO \"bi\"",
                                 "GRANT SELECT ON ALL TABLES IN SCHEMA \"sales\" TO \"bi\"",
                                 "GRANT USAGE ON SCHEMA \"sales\" TO \"ops\"",
                                 "GRANT SELECT ON ALL TABLES IN SCHEMA \"sales\" TO \"ops\""});
  CHECK(grant_statements(pg, "other", settings).empty());
}

TEST_CASE("dialect defaults: standard literals, plain grantees, a temporary staging table") {
  PostgresDialect pg;
  CHECK(pg.string_literal("it's a \\ path") == "'it''s a \\ path'");
  CHECK(pg.grantee("GROUP x") == "\"GROUP x\"");
  TableName staging = pg.staging_table({"sales", "orders"});
  CHECK(staging.schema.empty());
  CHECK(staging.table == "_chorus_stage_orders");
}
