// chorus::sql::SqlSink, the SQL sink family's shared part, over a database that records what it
// is sent and answers catalog queries from a table description.
#include "chorus/sql/sql_sink.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "chorus/plugin/errors.h"
#include "chorus/sql/postgres_dialect.h"

using namespace chorus::sql;
using nlohmann::json;

namespace {

class RecordingSink : public SqlSink {
 public:
  RecordingSink(chorus::StreamInfo info, const json &config, const Dialect &dialect,
                const WarehouseSettings &settings, StreamTables &tables,
                std::vector<CatalogRow> catalog)
      : SqlSink(std::move(info), config, context_, dialect, settings, tables, "target-test"),
        catalog_(std::move(catalog)) {}

  std::vector<std::string> queries;
  std::vector<std::string> executed;

  using SqlSink::check_values_fit;
  using SqlSink::grant_statements;
  using SqlSink::merge_statements;
  using SqlSink::plan;
  using SqlSink::plan_from_catalog;
  using SqlSink::retire_old_versions;
  using SqlSink::statistics_statements;

 protected:
  std::vector<CatalogRow> query(const std::string &sql) override {
    queries.push_back(sql);
    return catalog_;
  }
  void execute(const std::vector<std::string> &statements) override {
    executed.insert(executed.end(), statements.begin(), statements.end());
  }
  void process_batch(const chorus::singer::RecordBatch &,
                     const std::vector<chorus::RecordMeta> &) override {}

 private:
  static inline const chorus::PluginContext context_{};
  std::vector<CatalogRow> catalog_;
};

chorus::StreamInfo orders_stream(const char *properties) {
  chorus::StreamInfo info;
  info.name = "sales-orders";
  info.schema = {{"type", "object"}, {"properties", json::parse(properties)}};
  info.key_properties = {"id"};
  return info;
}

CatalogRow catalog_row(const char *name, const char *type) {
  return {std::string(name), std::string(type), std::nullopt, std::nullopt, std::nullopt};
}

// The catalog rows of a table that has `id` and every _sdc_ column already.
std::vector<CatalogRow> existing_orders() {
  return {catalog_row("id", "bigint"),
          catalog_row("_sdc_extracted_at", "timestamp with time zone"),
          catalog_row("_sdc_received_at", "timestamp with time zone"),
          catalog_row("_sdc_batched_at", "timestamp with time zone"),
          catalog_row("_sdc_deleted_at", "timestamp with time zone"),
          catalog_row("_sdc_sequence", "bigint"),
          catalog_row("_sdc_table_version", "bigint")};
}

struct Fixture {
  explicit Fixture(json settings_config = json::object())
      : config(std::move(settings_config)),
        settings(WarehouseSettings::from_config(config, "target-test")),
        tables(config, "target-test") {}
  json config;
  PostgresDialect dialect;
  WarehouseSettings settings;
  StreamTables tables;
};

}  // namespace

TEST_CASE("a SQL sink reads the catalog of its stream's table and creates what is missing") {
  Fixture fixture;
  RecordingSink sink(orders_stream(R"({"id": {"type": "integer"}, "name": {"type": "string"}})"),
                     fixture.config, fixture.dialect, fixture.settings, fixture.tables, {});
  CHECK(sink.table().schema == "sales");
  CHECK(sink.table().table == "orders");
  const std::vector<std::string> statements = sink.plan_from_catalog(nullptr);
  REQUIRE(sink.queries.size() == 1);
  CHECK(sink.queries[0].find("FROM information_schema.columns WHERE table_schema = 'sales' AND "
                             "table_name = 'orders'") != std::string::npos);
  REQUIRE(statements.size() == 2);
  CHECK(statements[0] == "CREATE SCHEMA IF NOT EXISTS \"sales\"");
  CHECK(statements[1].rfind("CREATE TABLE IF NOT EXISTS \"sales\".\"orders\" (\"id\" bigint, "
                            "\"name\" text, \"_sdc_extracted_at\" timestamptz",
                            0) == 0);
  CHECK(statements[1].find("PRIMARY KEY (\"id\")") != std::string::npos);
  CHECK(sink.plan().create_table);
  CHECK(sink.executed.empty());  // running them is the target's business
}

TEST_CASE("a SQL sink only adds the columns an existing table lacks") {
  Fixture fixture;
  RecordingSink sink(orders_stream(R"({"id": {"type": "integer"}, "name": {"type": "string"}})"),
                     fixture.config, fixture.dialect, fixture.settings, fixture.tables,
                     existing_orders());
  const std::vector<std::string> statements = sink.plan_from_catalog(nullptr);
  REQUIRE(statements.size() == 2);
  CHECK(statements[0] == "CREATE SCHEMA IF NOT EXISTS \"sales\"");
  CHECK(statements[1] == "ALTER TABLE \"sales\".\"orders\" ADD COLUMN \"name\" text");
  CHECK_FALSE(sink.plan().create_table);
}

TEST_CASE("a SQL sink merges staging rows: soft deletes keep values, hard deletes remove rows") {
  const TableName staging{"", "stage"};
  SUBCASE("soft deletes") {
    Fixture fixture;
    RecordingSink sink(orders_stream(R"({"id": {"type": "integer"}, "name": {"type": "string"}})"),
                       fixture.config, fixture.dialect, fixture.settings, fixture.tables,
                       existing_orders());
    sink.plan_from_catalog(nullptr);
    const std::vector<std::string> plain = sink.merge_statements(staging, false);
    REQUIRE(plain.size() == 1);
    CHECK(plain[0].rfind("INSERT INTO \"sales\".\"orders\"", 0) == 0);
    CHECK(plain[0].find("ROW_NUMBER() OVER (PARTITION BY \"id\"") != std::string::npos);
    CHECK(plain[0].find("ON CONFLICT (\"id\") DO UPDATE SET") != std::string::npos);

    const std::vector<std::string> with_deletions = sink.merge_statements(staging, true);
    REQUIRE(with_deletions.size() == 2);
    CHECK(with_deletions[0].rfind("UPDATE \"stage\" SET \"name\" = COALESCE(\"stage\".\"name\", "
                                  "\"sales\".\"orders\".\"name\")",
                                  0) == 0);
    CHECK(with_deletions[1] == plain[0]);

    // Keys the caller proved unique skip the ROW_NUMBER() pass.
    const std::vector<std::string> unique = sink.merge_statements(staging, false, true);
    REQUIRE(unique.size() == 1);
    CHECK(unique[0].find("ROW_NUMBER()") == std::string::npos);
  }
  SUBCASE("hard deletes") {
    Fixture fixture(json{{"hard_delete", true}});
    RecordingSink sink(orders_stream(R"({"id": {"type": "integer"}})"), fixture.config,
                       fixture.dialect, fixture.settings, fixture.tables, existing_orders());
    sink.plan_from_catalog(nullptr);
    CHECK(sink.merge_statements(staging, false).size() == 1);
    const std::vector<std::string> with_deletions = sink.merge_statements(staging, true);
    REQUIRE(with_deletions.size() == 2);
    CHECK(with_deletions[0].rfind("INSERT INTO \"sales\".\"orders\"", 0) == 0);
    CHECK(with_deletions[1] ==
          "DELETE FROM \"sales\".\"orders\" WHERE \"_sdc_deleted_at\" IS NOT NULL");
  }
}

TEST_CASE("a SQL sink grants its schema's grants entries and retires old versions") {
  SUBCASE("soft") {
    Fixture fixture(json{{"grants", {{"sales", {"reporter"}}, {"other", {"nobody"}}}}});
    RecordingSink sink(orders_stream(R"({"id": {"type": "integer"}})"), fixture.config,
                       fixture.dialect, fixture.settings, fixture.tables, existing_orders());
    CHECK(
        sink.grant_statements() ==
        std::vector<std::string>{"GRANT USAGE ON SCHEMA \"sales\" TO \"reporter\"",
                                 "GRANT SELECT ON ALL TABLES IN SCHEMA \"sales\" TO \"reporter\""});
    sink.retire_old_versions(5);
    REQUIRE(sink.executed.size() == 1);
    CHECK(sink.executed[0].rfind("UPDATE \"sales\".\"orders\" SET \"_sdc_deleted_at\" = ", 0) == 0);
    CHECK(sink.executed[0].find("\"_sdc_table_version\" < 5") != std::string::npos);
  }
  SUBCASE("hard") {
    Fixture fixture(json{{"hard_delete", true}});
    RecordingSink sink(orders_stream(R"({"id": {"type": "integer"}})"), fixture.config,
                       fixture.dialect, fixture.settings, fixture.tables, existing_orders());
    CHECK(sink.grant_statements().empty());
    sink.retire_old_versions(5);
    CHECK(sink.executed == std::vector<std::string>{
                               "DELETE FROM \"sales\".\"orders\" WHERE \"_sdc_table_version\" IS "
                               "NULL OR \"_sdc_table_version\" < 5"});
  }
}

TEST_CASE("a slice of a partitioned sync leaves grants and statistics to the final step") {
  const json grants = {{"sales", {"reporter"}}};
  SUBCASE("a slice: neither") {
    Fixture fixture(
        json{{"grants", grants}, {"partition", {{"index", 2}, {"count", 3}, {"version", 7}}}});
    RecordingSink sink(orders_stream(R"({"id": {"type": "integer"}})"), fixture.config,
                       fixture.dialect, fixture.settings, fixture.tables, existing_orders());
    CHECK(sink.grant_statements().empty());
    CHECK(sink.statistics_statements().empty());
  }
  SUBCASE("the final step: both") {
    Fixture fixture(json{{"grants", grants},
                         {"partition", {{"count", 3}, {"version", 7}, {"finalize", true}}}});
    RecordingSink sink(orders_stream(R"({"id": {"type": "integer"}})"), fixture.config,
                       fixture.dialect, fixture.settings, fixture.tables, existing_orders());
    CHECK(sink.grant_statements().size() == 2);
    CHECK(sink.statistics_statements() == std::vector<std::string>{"ANALYZE \"sales\".\"orders\""});
  }
  SUBCASE("an ordinary run: grants, and statistics left to the database") {
    Fixture fixture(json{{"grants", grants}});
    RecordingSink sink(orders_stream(R"({"id": {"type": "integer"}})"), fixture.config,
                       fixture.dialect, fixture.settings, fixture.tables, existing_orders());
    CHECK(sink.grant_statements().size() == 2);
    CHECK(sink.statistics_statements().empty());
  }
}

TEST_CASE("two SQL sinks of one run never share a table") {
  Fixture fixture(json{{"default_target_schema", "raw"}});
  RecordingSink first(orders_stream(R"({"id": {"type": "integer"}})"), fixture.config,
                      fixture.dialect, fixture.settings, fixture.tables, {});
  chorus::StreamInfo other = orders_stream(R"({"id": {"type": "integer"}})");
  other.name = "archive-orders";
  CHECK_THROWS_AS(
      RecordingSink(other, fixture.config, fixture.dialect, fixture.settings, fixture.tables, {}),
      chorus::FatalError);
}
