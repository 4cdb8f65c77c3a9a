// Where Spectrum's external schemas and tables are defined. On Redshift the external DDL runs
// and SVV_EXTERNAL_COLUMNS describes the tables. The PostgreSQL stand-in (tests only) cannot
// run external DDL: it records each statement, and the columns it would have created, in the
// schema _chorus_standin (tables external_statements and external_columns), where tests read
// them.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "chorus/sql/dialect.h"
#include "redshift_session.h"

namespace chorus::target_redshift {

class ExternalCatalog {
 public:
  virtual ~ExternalCatalog() = default;
  // The column names of an external table in table order; empty when it does not exist.
  virtual std::vector<std::string> columns(const sql::TableName &table) = 0;
  // Runs one external DDL statement, outside any transaction (Redshift refuses external DDL in
  // a transaction block). `table` and `added_columns` say what it changes: the table it creates
  // or alters and the columns it appends (none for a schema or a grant).
  virtual void apply(const std::string &statement, const sql::TableName &table,
                     const std::vector<std::string> &added_columns) = 0;
};

std::unique_ptr<ExternalCatalog> make_redshift_external_catalog(Session &session);
// Test only: records instead of running. Creates the _chorus_standin tables when missing.
std::unique_ptr<ExternalCatalog> make_standin_external_catalog(Session &session);

}  // namespace chorus::target_redshift
