#include "chorus/sql/statements.h"

#include <doctest/doctest.h>

#include "chorus/sql/metadata_columns.h"
#include "chorus/sql/postgres_dialect.h"
#include "type_of.h"

using namespace chorus::sql;
using chorus::sql::testing::of;

namespace {

// A dialect that differs from PostgreSQL wherever the builders consult it.
class MergeDialect : public PostgresDialect {
 public:
  UpsertMethod upsert_method() const override { return UpsertMethod::Merge; }
  std::string grantee_prefix() const override { return "ROLE "; }
};
class DeleteInsertDialect : public PostgresDialect {
 public:
  UpsertMethod upsert_method() const override { return UpsertMethod::DeleteInsert; }
  std::string create_staging_table_prefix() const override { return "CREATE TEMP TABLE"; }
};

// A dialect that folds names to upper case, as Snowflake does: plan_table() creates its
// metadata columns as "_SDC_SEQUENCE", "_SDC_DELETED_AT", ...
class UpperCaseDialect : public PostgresDialect {
 public:
  const IdentifierRules &identifier_rules() const override {
    static const IdentifierRules rules{255, '"', CaseFolding::Upper};
    return rules;
  }
  UpsertMethod upsert_method() const override { return UpsertMethod::Merge; }
};

const TableName kTable{"sales", "order items"};
const TableName kStage{"", "stage"};
const std::vector<Column> kColumns{{"id", of(TypeKind::Integer)},
                                   {"note", of(TypeKind::Text)},
                                   {"_sdc_sequence", of(TypeKind::Integer)}};

}  // namespace

TEST_CASE("create statements quote every identifier") {
  PostgresDialect pg;
  CHECK(create_schema(pg, "we\"ird") == "CREATE SCHEMA IF NOT EXISTS \"we\"\"ird\"");
  CHECK(create_table(pg, kTable, kColumns, {"id"}) ==
        "CREATE TABLE IF NOT EXISTS \"sales\".\"order items\" (\"id\" bigint, \"note\" text, "
        "\"_sdc_sequence\" bigint, PRIMARY KEY (\"id\"))");
  CHECK(create_table(pg, kTable, kColumns, {}) ==
        "CREATE TABLE IF NOT EXISTS \"sales\".\"order items\" (\"id\" bigint, \"note\" text, "
        "\"_sdc_sequence\" bigint)");
  CHECK(create_staging_table(pg, kStage, kColumns) ==
        "CREATE TEMPORARY TABLE \"stage\" (\"id\" bigint, \"note\" text, \"_sdc_sequence\" "
        "bigint)");
  CHECK(create_staging_table(DeleteInsertDialect(), kStage, {kColumns[0]}) ==
        "CREATE TEMP TABLE \"stage\" (\"id\" bigint)");
  CHECK(add_column(pg, kTable, {"new", of(TypeKind::Uuid)}) ==
        "ALTER TABLE \"sales\".\"order items\" ADD COLUMN \"new\" uuid");
  CHECK(alter_column_type(pg, kTable, "note", of(TypeKind::Text)) ==
        "ALTER TABLE \"sales\".\"order items\" ALTER COLUMN \"note\" TYPE text USING "
        "\"note\"::text");
}

TEST_CASE("de-duplication keeps the last record per key by _sdc_sequence") {
  PostgresDialect pg;
  CHECK(deduplicated_select(pg, kStage, kColumns, {"id"}) ==
        "SELECT \"id\", \"note\", \"_sdc_sequence\" FROM (SELECT \"id\", \"note\", "
        "\"_sdc_sequence\", ROW_NUMBER() OVER (PARTITION BY \"id\" ORDER BY \"_sdc_sequence\" "
        "DESC) AS \"_sdc_row_number\" FROM \"stage\") AS \"_sdc_ranked\" WHERE "
        "\"_sdc_row_number\" = 1");
  CHECK(deduplicated_select(pg, kStage, kColumns, {}) ==
        "SELECT \"id\", \"note\", \"_sdc_sequence\" FROM \"stage\"");
}

TEST_CASE("postgres upserts with INSERT ON CONFLICT") {
  PostgresDialect pg;
  auto sql = upsert_from_staging(pg, kTable, kStage, kColumns, {"id"});
  REQUIRE(sql.size() == 1);
  CHECK(sql[0] == "INSERT INTO \"sales\".\"order items\" (\"id\", \"note\", \"_sdc_sequence\") " +
                      deduplicated_select(pg, kStage, kColumns, {"id"}) +
                      " ON CONFLICT (\"id\") DO UPDATE SET \"note\" = EXCLUDED.\"note\", "
                      "\"_sdc_sequence\" = EXCLUDED.\"_sdc_sequence\"");
  auto keys_only = upsert_from_staging(pg, kTable, kStage, {kColumns[0]}, {"id"});
  CHECK(keys_only[0] ==
        "INSERT INTO \"sales\".\"order items\" (\"id\") SELECT \"id\" FROM (SELECT \"id\", "
        "ROW_NUMBER() OVER (PARTITION BY \"id\" ORDER BY \"_sdc_sequence\" DESC) AS "
        "\"_sdc_row_number\" FROM \"stage\") AS \"_sdc_ranked\" WHERE \"_sdc_row_number\" = 1 "
        "ON CONFLICT (\"id\") DO NOTHING");
}

TEST_CASE("staging rows known to have unique keys are upserted without the ranking pass") {
  PostgresDialect pg;
  auto sql = upsert_from_staging(pg, kTable, kStage, kColumns, {"id"}, true);
  REQUIRE(sql.size() == 1);
  CHECK(sql[0] ==
        "INSERT INTO \"sales\".\"order items\" (\"id\", \"note\", \"_sdc_sequence\") SELECT "
        "\"id\", \"note\", \"_sdc_sequence\" FROM \"stage\" ON CONFLICT (\"id\") DO UPDATE SET "
        "\"note\" = EXCLUDED.\"note\", \"_sdc_sequence\" = EXCLUDED.\"_sdc_sequence\"");
}

TEST_CASE("streams without keys are appended") {
  auto sql = upsert_from_staging(PostgresDialect(), kTable, kStage, kColumns, {});
  REQUIRE(sql.size() == 1);
  CHECK(sql[0] ==
        "INSERT INTO \"sales\".\"order items\" (\"id\", \"note\", \"_sdc_sequence\") SELECT "
        "\"id\", \"note\", \"_sdc_sequence\" FROM \"stage\"");
}

TEST_CASE("merge dialects get one MERGE statement") {
  MergeDialect merge;
  auto sql = upsert_from_staging(merge, kTable, kStage, kColumns, {"id"});
  REQUIRE(sql.size() == 1);
  CHECK(sql[0] == "MERGE INTO \"sales\".\"order items\" USING (" +
                      deduplicated_select(merge, kStage, kColumns, {"id"}) +
                      ") AS \"_sdc_source\" ON \"sales\".\"order items\".\"id\" = "
                      "\"_sdc_source\".\"id\" WHEN MATCHED THEN UPDATE SET \"note\" = "
                      "\"_sdc_source\".\"note\", \"_sdc_sequence\" = "
                      "\"_sdc_source\".\"_sdc_sequence\" WHEN NOT MATCHED THEN INSERT (\"id\", "
                      "\"note\", \"_sdc_sequence\") VALUES (\"_sdc_source\".\"id\", "
                      "\"_sdc_source\".\"note\", \"_sdc_source\".\"_sdc_sequence\")");
}

TEST_CASE("delete-insert dialects delete matching keys, then insert") {
  DeleteInsertDialect dialect;
  auto sql = upsert_from_staging(dialect, kTable, kStage, kColumns, {"id", "note"});
  REQUIRE(sql.size() == 2);
  CHECK(sql[0] ==
        "DELETE FROM \"sales\".\"order items\" USING \"stage\" WHERE "
        "\"sales\".\"order items\".\"id\" = \"stage\".\"id\" AND \"sales\".\"order "
        "items\".\"note\" = \"stage\".\"note\"");
  CHECK(sql[1] == "INSERT INTO \"sales\".\"order items\" (\"id\", \"note\", \"_sdc_sequence\") " +
                      deduplicated_select(dialect, kStage, kColumns, {"id", "note"}));
}

TEST_CASE("deletes and version cleanup") {
  PostgresDialect pg;
  CHECK(delete_marked_rows(pg, kTable) ==
        "DELETE FROM \"sales\".\"order items\" WHERE \"_sdc_deleted_at\" IS NOT NULL");
  CHECK(retire_old_versions(pg, kTable, 1700000000000, true) ==
        "DELETE FROM \"sales\".\"order items\" WHERE \"_sdc_table_version\" IS NULL OR "
        "\"_sdc_table_version\" < 1700000000000");
  CHECK(retire_old_versions(pg, kTable, 7, false) ==
        "UPDATE \"sales\".\"order items\" SET \"_sdc_deleted_at\" = CURRENT_TIMESTAMP WHERE "
        "(\"_sdc_table_version\" IS NULL OR \"_sdc_table_version\" < 7) AND \"_sdc_deleted_at\" "
        "IS NULL");
}

TEST_CASE("a soft-deleted row keeps the values the table holds for its key") {
  PostgresDialect pg;
  CHECK(keep_values_of_deleted_rows(pg, kTable, kStage, kColumns, {"id"}) ==
        "UPDATE \"stage\" SET \"note\" = COALESCE(\"stage\".\"note\", "
        "\"sales\".\"order items\".\"note\") FROM "
        "\"sales\".\"order items\" WHERE \"stage\".\"_sdc_deleted_at\" IS NOT NULL AND "
        "\"stage\".\"id\" = \"sales\".\"order items\".\"id\"");
  // Nothing to keep without keys, or with only keys and metadata columns.
  CHECK(keep_values_of_deleted_rows(pg, kTable, kStage, kColumns, {}).empty());
  CHECK(
      keep_values_of_deleted_rows(pg, kTable, kStage, {kColumns[0], kColumns[2]}, {"id"}).empty());
  UpperCaseDialect upper;
  const std::vector<Column> columns{{"ID", of(TypeKind::Integer)},
                                    {"NOTE", of(TypeKind::Text)},
                                    {"_SDC_SEQUENCE", of(TypeKind::Integer)}};
  CHECK(
      keep_values_of_deleted_rows(upper, {"SALES", "ORDERS"}, {"", "STAGE"}, columns, {"ID"}) ==
      "UPDATE \"STAGE\" SET \"NOTE\" = COALESCE(\"STAGE\".\"NOTE\", \"SALES\".\"ORDERS\".\"NOTE\") "
      "FROM \"SALES\".\"ORDERS\" "
      "WHERE \"STAGE\".\"_SDC_DELETED_AT\" IS NOT NULL AND \"STAGE\".\"ID\" = "
      "\"SALES\".\"ORDERS\".\"ID\"");
}

TEST_CASE("metadata columns are named as the dialect names them: upper case when it folds up") {
  UpperCaseDialect upper;
  CHECK(metadata_column(upper, kDeletedAt) == "_SDC_DELETED_AT");
  CHECK(metadata_column(PostgresDialect(), kDeletedAt) == "_sdc_deleted_at");
  CHECK(delete_marked_rows(upper, {"SALES", "ORDERS"}) ==
        "DELETE FROM \"SALES\".\"ORDERS\" WHERE \"_SDC_DELETED_AT\" IS NOT NULL");
  CHECK(retire_old_versions(upper, {"SALES", "ORDERS"}, 7, true) ==
        "DELETE FROM \"SALES\".\"ORDERS\" WHERE \"_SDC_TABLE_VERSION\" IS NULL OR "
        "\"_SDC_TABLE_VERSION\" < 7");
  CHECK(retire_old_versions(upper, {"SALES", "ORDERS"}, 7, false) ==
        "UPDATE \"SALES\".\"ORDERS\" SET \"_SDC_DELETED_AT\" = CURRENT_TIMESTAMP WHERE "
        "(\"_SDC_TABLE_VERSION\" IS NULL OR \"_SDC_TABLE_VERSION\" < 7) AND "
        "\"_SDC_DELETED_AT\" IS NULL");
  const std::vector<Column> columns{{"ID", of(TypeKind::Integer)},
                                    {"_SDC_SEQUENCE", of(TypeKind::Integer)}};
  CHECK(deduplicated_select(upper, {"", "STAGE"}, columns, {"ID"}) ==
        "SELECT \"ID\", \"_SDC_SEQUENCE\" FROM (SELECT \"ID\", \"_SDC_SEQUENCE\", "
        "ROW_NUMBER() OVER (PARTITION BY \"ID\" ORDER BY \"_SDC_SEQUENCE\" DESC) AS "
        "\"_SDC_ROW_NUMBER\" FROM \"STAGE\") AS \"_SDC_RANKED\" WHERE \"_SDC_ROW_NUMBER\" = 1");
  auto merge = upsert_from_staging(upper, {"SALES", "ORDERS"}, {"", "STAGE"}, columns, {"ID"});
  REQUIRE(merge.size() == 1);
  CHECK(
      merge[0].find("AS \"_SDC_SOURCE\" ON \"SALES\".\"ORDERS\".\"ID\" = \"_SDC_SOURCE\".\"ID\"") !=
      std::string::npos);
}

TEST_CASE("a staging table is dropped if it exists") {
  CHECK(drop_table(PostgresDialect(), kStage) == "DROP TABLE IF EXISTS \"stage\"");
}

TEST_CASE("grants give usage on the schema and select on its tables") {
  auto pg = grant_read(PostgresDialect(), "sales", "report\"ers");
  REQUIRE(pg.size() == 2);
  CHECK(pg[0] == "GRANT USAGE ON SCHEMA \"sales\" TO \"report\"\"ers\"");
  CHECK(pg[1] == "GRANT SELECT ON ALL TABLES IN SCHEMA \"sales\" TO \"report\"\"ers\"");
  auto role = grant_read(MergeDialect(), "sales", "bi");
  CHECK(role[0] == "GRANT USAGE ON SCHEMA \"sales\" TO ROLE \"bi\"");
  CHECK(grant_usage(MergeDialect(), "sales", "bi") == role[0]);
}

TEST_CASE("streams land in schema and table by the Singer naming convention") {
  PostgresDialect pg;
  auto t = table_for_stream(pg, "public-orders", "", "public");
  CHECK(t.schema == "public");
  CHECK(t.table == "orders");
  t = table_for_stream(pg, "crm-order-items", "raw", "public");
  CHECK(t.schema == "raw");
  CHECK(t.table == "order-items");
  t = table_for_stream(pg, "Orders", "", "public");
  CHECK(t.schema == "public");
  CHECK(t.table == "Orders");
}

TEST_CASE("column lists quote each name, after an optional prefix") {
  PostgresDialect dialect;
  std::vector<Column> columns{{"id", {}}, {"Name", {}}};
  CHECK(column_list(dialect, columns) == "\"id\", \"Name\"");
  CHECK(column_list(dialect, columns, "\"src\".") == "\"src\".\"id\", \"src\".\"Name\"");
  CHECK(column_list(dialect, {}).empty());
}

TEST_CASE("a literal for a database that reads backslash escapes doubles quotes and backslashes") {
  CHECK(backslash_escaped_literal("a'b\\c") == "'a''b\\\\c'");
  CHECK(backslash_escaped_literal("") == "''");
  CHECK(PostgresDialect().string_literal("a'b\\c") == "'a''b\\c'");
}
