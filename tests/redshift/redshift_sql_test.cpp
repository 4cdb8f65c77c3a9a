// The SQL target-redshift sends that only a real Redshift cluster runs: pinned here as text.
#include <doctest/doctest.h>

#include "../sql/type_of.h"
#include "chorus/sql/statements.h"
#include "redshift_copy.h"
#include "redshift_dialect.h"
#include "spectrum_ddl.h"

using namespace chorus::target_redshift;
using chorus::sql::Column;
using chorus::sql::LogicalType;
using chorus::sql::TypeKind;
using chorus::sql::testing::of;

TEST_CASE("Redshift types: VARCHAR in bytes, SUPER for JSON, TIMESTAMPTZ, NUMERIC") {
  RedshiftDialect dialect;
  LogicalType text = of(TypeKind::Text);
  CHECK(dialect.column_type(text) == "VARCHAR(65535)");
  text.max_length = 10;
  CHECK(dialect.column_type(text) == "VARCHAR(40)");  // 4 bytes per UTF-8 character at most
  text.max_length = 100000;
  CHECK(dialect.column_type(text) == "VARCHAR(65535)");
  CHECK(dialect.column_type(of(TypeKind::Json)) == "SUPER");
  CHECK(dialect.column_type(of(TypeKind::TimestampTz)) == "TIMESTAMPTZ");
  LogicalType decimal = of(TypeKind::Decimal);
  decimal.precision = 12;
  decimal.scale = 2;
  CHECK(dialect.column_type(decimal) == "NUMERIC(12,2)");
  decimal.precision = 50;
  CHECK(dialect.column_type(decimal) == "NUMERIC(38,2)");
}

TEST_CASE("the PostgreSQL stand-in maps SUPER to jsonb and keeps the other types") {
  RedshiftDialect standin(true);
  CHECK(standin.column_type(of(TypeKind::Json)) == "JSONB");
  CHECK(standin.column_type(of(TypeKind::TimestampTz)) == "TIMESTAMPTZ");
}

TEST_CASE("Redshift identifiers are quoted, folded to lower case and at most 127 bytes") {
  RedshiftDialect dialect;
  CHECK(dialect.quote(dialect.safe_name("Order \"Lines\"")) == "\"order \"\"lines\"\"\"");
  std::string long_name(200, 'a');
  CHECK(dialect.safe_name(long_name).size() == 127);
}

TEST_CASE("grants entries name a group, a role or a user") {
  RedshiftDialect dialect;
  CHECK(dialect.grantee("GROUP analysts") == "GROUP \"analysts\"");
  CHECK(dialect.grantee("group analysts") == "GROUP \"analysts\"");
  CHECK(dialect.grantee("ROLE reporting") == "ROLE \"reporting\"");
  CHECK(dialect.grantee("alice") == "\"alice\"");
  CHECK(chorus::sql::grant_usage(dialect, "s", "GROUP g") ==
        "GRANT USAGE ON SCHEMA \"s\" TO GROUP \"g\"");
}

TEST_CASE("the final step of a partitioned sync analyzes a Redshift table and leaves VACUUM") {
  CHECK(RedshiftDialect().statistics_statements({"sales", "orders"}) ==
        std::vector<std::string>{"ANALYZE \"sales\".\"orders\""});
}

TEST_CASE("string literals double backslashes on Redshift, not on the PostgreSQL stand-in") {
  CHECK(RedshiftDialect().string_literal("a'b\\c") == "'a''b\\\\c'");
  CHECK(RedshiftDialect(true).string_literal("a'b\\c") == "'a''b\\c'");
}

TEST_CASE("a VARCHAR round-trips through the catalog as the same logical type") {
  RedshiftDialect dialect;
  LogicalType text = of(TypeKind::Text);
  text.max_length = 10;
  chorus::sql::CatalogColumn column{"c", "character varying", 40, {}, {}};
  CHECK(chorus::sql::same_type(dialect.parse_catalog_type(column), text));
  CHECK(dialect.can_alter_type(text, of(TypeKind::Text)));
  CHECK_FALSE(dialect.can_alter_type(of(TypeKind::Integer), of(TypeKind::Decimal)));
}

TEST_CASE("the COPY statement loads the manifest as CSV with explicit options") {
  RedshiftDialect dialect;
  std::vector<Column> columns{{"id", of(TypeKind::Integer)}, {"name", of(TypeKind::Text)}};
  CopyOptions options;
  options.manifest_url = "s3://bucket/chorus/orders/manifest.json";
  options.compression = chorus::s3::Compression::Zstd;
  options.authorization.iam_role = "arn:aws:iam::123456789012:role/load";
  CHECK(copy_statement(dialect, {"", "_chorus_stage_orders"}, columns, options, false) ==
        "COPY \"_chorus_stage_orders\" (\"id\", \"name\") FROM "
        "'s3://bucket/chorus/orders/manifest.json' MANIFEST FORMAT AS CSV QUOTE AS '\"' ZSTD "
        "EMPTYASNULL TIMEFORMAT 'auto' DATEFORMAT 'auto' ACCEPTINVCHARS COMPUPDATE OFF "
        "STATUPDATE OFF IAM_ROLE 'arn:aws:iam::123456789012:role/load'");
}

TEST_CASE("COPY with key credentials hides them when redacted") {
  RedshiftDialect dialect;
  CopyOptions options;
  options.manifest_url = "s3://b/m.json";
  options.compression = chorus::s3::Compression::Gzip;
  options.region = "eu-west-1";
  options.authorization = {"", "AKIAEXAMPLE", "secret'key", "token"};
  std::string shown =
      copy_statement(dialect, {"s", "t"}, {{"a", of(TypeKind::Text)}}, options, true);
  CHECK(shown.find("GZIP") != std::string::npos);
  CHECK(shown.find("REGION 'eu-west-1'") != std::string::npos);
  CHECK(shown.find("ACCESS_KEY_ID '***' SECRET_ACCESS_KEY '***' SESSION_TOKEN '***'") !=
        std::string::npos);
  CHECK(shown.find("secret") == std::string::npos);
  std::string sent =
      copy_statement(dialect, {"s", "t"}, {{"a", of(TypeKind::Text)}}, options, false);
  CHECK(sent.find("SECRET_ACCESS_KEY 'secret''key'") != std::string::npos);
}

TEST_CASE("load errors are read from SYS_LOAD_ERROR_DETAIL and STL_LOAD_ERRORS for the last COPY") {
  CHECK(load_errors_query_sys().find("sys_load_error_detail WHERE query_id = pg_last_copy_id()") !=
        std::string::npos);
  CHECK(load_errors_query_stl().find("stl_load_errors WHERE query = pg_last_copy_id()") !=
        std::string::npos);
}

TEST_CASE("Spectrum: external schema from the data catalog and an external CSV table") {
  RedshiftDialect dialect;
  CHECK(create_external_schema(dialect, "spectrum", "lake", "arn:aws:iam::1:role/r") ==
        "CREATE EXTERNAL SCHEMA IF NOT EXISTS \"spectrum\" FROM DATA CATALOG DATABASE 'lake' "
        "IAM_ROLE 'arn:aws:iam::1:role/r' CREATE EXTERNAL DATABASE IF NOT EXISTS");
  LogicalType amount = of(TypeKind::Decimal);
  amount.precision = 12;
  amount.scale = 2;
  LogicalType small = of(TypeKind::Integer);
  small.integer_bytes = 2;
  std::vector<Column> columns{{"id", of(TypeKind::Integer)},
                              {"n", small},
                              {"amount", amount},
                              {"ok", of(TypeKind::Boolean)},
                              {"day", of(TypeKind::Date)},
                              {"doc", of(TypeKind::Json)},
                              {"at", of(TypeKind::TimestampTz)},
                              {"name", of(TypeKind::Text)}};
  // OpenCSVSerde reads chorus's quoted CSV; NULL and "" both read as NULL (see spectrum_ddl.h);
  // text timestamps are not in the one layout Spectrum parses, so they stay VARCHAR.
  CHECK(create_external_table(dialect, {"spectrum", "orders"}, columns, "s3://b/orders/") ==
        "CREATE EXTERNAL TABLE \"spectrum\".\"orders\" (\"id\" BIGINT, \"n\" SMALLINT, "
        "\"amount\" DECIMAL(12,2), \"ok\" BOOLEAN, \"day\" DATE, \"doc\" VARCHAR(65535), "
        "\"at\" VARCHAR(65535), \"name\" VARCHAR(65535)) ROW FORMAT SERDE "
        "'org.apache.hadoop.hive.serde2.OpenCSVSerde' WITH SERDEPROPERTIES ('separatorChar' = "
        "',', 'quoteChar' = '\"', 'escapeChar' = '\\\\') STORED AS TEXTFILE LOCATION "
        "'s3://b/orders/' TABLE PROPERTIES ('serialization.null.format' = '')");
  CHECK(add_external_column(dialect, {"spectrum", "orders"}, {"status", of(TypeKind::Text)}) ==
        "ALTER TABLE \"spectrum\".\"orders\" ADD COLUMN \"status\" VARCHAR(65535)");
  CHECK(external_columns_query({"spectrum", "orders"}) ==
        "SELECT columnname FROM svv_external_columns WHERE schemaname = 'spectrum' AND "
        "tablename = 'orders' ORDER BY columnnum");
}
