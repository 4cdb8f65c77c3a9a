// The Snowflake dialect of chorus::sql: identifiers up to 255 bytes in upper case (so that
// unquoted queries find them), VARIANT for JSON, MERGE upserts, transient staging tables.
#pragma once

#include "chorus/sql/dialect.h"

namespace chorus::target_snowflake {

class SnowflakeDialect : public sql::Dialect {
 public:
  std::string_view name() const override { return "snowflake"; }
  const sql::IdentifierRules &identifier_rules() const override;
  // Integer -> NUMBER(38,0); Decimal -> NUMBER(p,s) (unconstrained -> NUMBER(38,9)); Float ->
  // FLOAT; Boolean -> BOOLEAN; Text -> VARCHAR(n) or VARCHAR; Date; Time; Timestamp ->
  // TIMESTAMP_NTZ; TimestampTz -> TIMESTAMP_TZ; Interval, Uuid and Bytes (base64) -> VARCHAR;
  // Json -> VARIANT.
  std::string column_type(const sql::LogicalType &type) const override;
  sql::LogicalType parse_catalog_type(const sql::CatalogColumn &column) const override;
  // Snowflake lengthens a VARCHAR and raises a NUMBER's precision (same scale) in place.
  bool can_alter_type(const sql::LogicalType &from, const sql::LogicalType &to) const override;
  std::string alter_type_clause(const std::string &column,
                                const sql::LogicalType &to) const override;
  sql::UpsertMethod upsert_method() const override { return sql::UpsertMethod::Merge; }
  int max_decimal_precision() const override { return 38; }
  // Session temporary tables do not outlive one SQL API request; a transient table is dropped
  // by the load itself.
  std::string create_staging_table_prefix() const override {
    return "CREATE OR REPLACE TRANSIENT TABLE";
  }
  std::string grantee_prefix() const override { return "ROLE "; }
  std::string current_timestamp() const override { return "CURRENT_TIMESTAMP()"; }
  // Snowflake reads backslash escapes in single-quoted literals: sql::backslash_escaped_literal().
  std::string string_literal(std::string_view text) const override;
  // The transient staging table lives beside the table: "<schema>"."_CHORUS_STAGE_<TABLE>".
  sql::TableName staging_table(const sql::TableName &table) const override;
};

}  // namespace chorus::target_snowflake
