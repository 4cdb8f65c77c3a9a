// The PostgreSQL dialect: identifiers up to 63 bytes, case preserved, INSERT ... ON CONFLICT.
// Pure SQL text; connecting to a server is the plugin's business (see chorus/pg).
#pragma once

#include "chorus/sql/dialect.h"

namespace chorus::sql {

// Types: Integer -> smallint/integer/bigint; Decimal -> numeric(p,s) or numeric; Float ->
// double precision; Text -> varchar(n) or text; Date/Time/Timestamp/TimestampTz/Interval/Uuid
// by their names ("time without time zone" as "time"); Json -> jsonb; Bytes -> bytea.
class PostgresDialect : public Dialect {
 public:
  std::string_view name() const override { return "postgres"; }
  const IdentifierRules &identifier_rules() const override;
  std::string column_type(const LogicalType &type) const override;
  LogicalType parse_catalog_type(const CatalogColumn &column) const override;
  // PostgreSQL rewrites the column for any widening the planner asks for (with a USING cast),
  // so every widening is allowed.
  bool can_alter_type(const LogicalType &from, const LogicalType &to) const override;
  std::string alter_type_clause(const std::string &column, const LogicalType &to) const override;
  UpsertMethod upsert_method() const override { return UpsertMethod::InsertOnConflict; }
  // ANALYZE: autovacuum reclaims the rows the upserts and the clean-up left behind on its own.
  std::vector<std::string> statistics_statements(const TableName &table) const override {
    return {"ANALYZE " + qualified(table)};
  }
  // Bounded numerics, and U+0000 in text (PostgreSQL text cannot hold it).
  bool checks_values(const LogicalType &type) const override;
  std::string refusal(const LogicalType &type, const singer::Value &value) const override;
};

}  // namespace chorus::sql
