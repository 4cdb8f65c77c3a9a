// What differs between SQL warehouses, as seen by the shared statement builders and the table
// planner. A warehouse target implements one Dialect (or reuses PostgresDialect) and gets the
// naming, type mapping, schema evolution and load statements of chorus::sql for free.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chorus/singer/message.h"
#include "chorus/sql/identifier.h"
#include "chorus/sql/logical_type.h"

namespace chorus::sql {

// A table reference; `schema` may be empty (temporary tables, search path).
struct TableName {
  std::string schema;
  std::string table;
};

// A column as it exists (or will exist) in the warehouse. `name` is the identifier, unquoted,
// already passed through safe_identifier().
struct Column {
  std::string name;
  LogicalType type;
};

// A column as the warehouse's information_schema.columns describes it. Dialects turn it back
// into a LogicalType so that the planner can compare it with a new stream schema.
struct CatalogColumn {
  std::string name;
  std::string data_type;  // information_schema data_type / udt_name
  std::optional<long long> character_maximum_length;
  std::optional<int> numeric_precision;
  std::optional<int> numeric_scale;
};

// How rows of a de-duplicated staging table are merged into the real table.
enum class UpsertMethod {
  InsertOnConflict,  // INSERT ... ON CONFLICT (keys) DO UPDATE (PostgreSQL; needs a unique key)
  Merge,             // MERGE INTO ... USING ... (Snowflake, SQL:2003)
  DeleteInsert       // DELETE ... USING staging; INSERT ... SELECT (Redshift classic)
};

// `text` as a string literal for a database that reads backslash escapes in literals
// (Redshift, Snowflake): quoted with ', and a ' or \ inside doubled.
std::string backslash_escaped_literal(std::string_view text);

class Dialect {
 public:
  virtual ~Dialect() = default;

  virtual std::string_view name() const = 0;
  virtual const IdentifierRules &identifier_rules() const = 0;

  // The SQL type text of a logical type ("numeric(12,2)", "varchar(40)", "timestamptz").
  virtual std::string column_type(const LogicalType &type) const = 0;

  // The logical type of an existing column; Text (unbounded) when the type is unknown, which
  // the planner treats as "only text fits here".
  virtual LogicalType parse_catalog_type(const CatalogColumn &column) const = 0;

  // Whether an existing column of type `from` can be changed in place to `to` (a widening
  // chosen by widened()). When false the planner adds a versioned column instead.
  virtual bool can_alter_type(const LogicalType &from, const LogicalType &to) const = 0;

  // The clause after "ALTER TABLE <t> " that changes a column's type, e.g. PostgreSQL
  // `ALTER COLUMN "c" TYPE numeric(14,2)`, Snowflake `ALTER COLUMN "c" SET DATA TYPE ...`.
  virtual std::string alter_type_clause(const std::string &column, const LogicalType &to) const = 0;

  virtual UpsertMethod upsert_method() const = 0;

  // The most digits a decimal column may have, or 0 when the warehouse has an unbounded exact
  // numeric type (PostgreSQL's numeric). A bounded warehouse sizes unconstrained decimals from
  // the data (size_decimals_from_data()) and refuses values that do not fit.
  virtual int max_decimal_precision() const { return 0; }

  // Why `value` cannot be stored exactly in a column of `type`, as a sentence ("it needs 30
  // digits after the point; the column has 9"), or empty when it can. The default checks
  // integers against the range of their column and bounded decimals; a dialect adds its own
  // limits (text bytes, characters it cannot hold).
  // Only called for columns where checks_values() is true.
  virtual std::string refusal(const LogicalType &type, const singer::Value &value) const;
  virtual bool checks_values(const LogicalType &type) const;

  // "CREATE TEMPORARY TABLE" by default; a dialect without session temp tables returns
  // "CREATE TABLE" and drops its staging table itself.
  virtual std::string create_staging_table_prefix() const { return "CREATE TEMPORARY TABLE"; }

  // Word before a grantee in GRANT ("" for PostgreSQL and Redshift, "ROLE " for Snowflake).
  virtual std::string grantee_prefix() const { return ""; }

  // A "grants" entry of the config as the grantee of a GRANT statement. By default
  // grantee_prefix() + quote(entry); a warehouse with several kinds of grantee reads the kind
  // from the entry (Redshift: "GROUP g" -> GROUP "g").
  virtual std::string grantee(std::string_view entry) const;

  // `text` as a string literal: quoted with ', a ' inside doubled (standard SQL). A warehouse
  // that reads backslash escapes in literals doubles backslashes too.
  virtual std::string string_literal(std::string_view text) const;

  // The table a load into `table` stages its rows in: by default a session temporary table
  // (no schema) named safe_name("_chorus_stage_" + table.table). A dialect whose staging tables
  // are ordinary tables (see create_staging_table_prefix) places them beside `table`.
  virtual TableName staging_table(const TableName &table) const;

  // What refreshes the planner's statistics of `table` once it was loaded (the final step of a
  // partitioned sync runs them); none by default, for a warehouse that keeps its own.
  virtual std::vector<std::string> statistics_statements(const TableName &table) const {
    (void)table;
    return {};
  }

  // Expression for "now" in the warehouse's timestamp-with-time-zone type.
  virtual std::string current_timestamp() const { return "CURRENT_TIMESTAMP"; }

  // quote_identifier(name, identifier_rules()).
  std::string quote(std::string_view name) const;
  // safe_identifier(name, identifier_rules()).
  std::string safe_name(std::string_view name) const;
  // "schema"."table" (or "table" when the schema is empty), both quoted.
  std::string qualified(const TableName &table) const;
};

}  // namespace chorus::sql
