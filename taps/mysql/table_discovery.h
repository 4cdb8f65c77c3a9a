// Reads the tables and views the user can see from information_schema.
#pragma once

#include <string>
#include <vector>

#include "column_types.h"
#include "connection.h"

namespace chorus::tap_mysql {

struct TableInfo {
  std::string database;
  std::string name;
  bool is_view = false;
  long long row_estimate = 0;       // information_schema TABLES.TABLE_ROWS (an estimate for InnoDB)
  std::vector<ColumnType> columns;  // in ordinal order, as the binary log has them
  std::vector<std::string> primary_key;  // in key order

  // "<database>-<table>": the stream name targets split back into schema and table.
  std::string stream_name() const { return database + "-" + name; }
  std::string qualified_name() const { return quote_name(database) + "." + quote_name(name); }
};

// Every table and view of `databases` (empty: of every database but the server's own) that
// the user can read.
std::vector<TableInfo> discover_tables(Connection &connection,
                                       const std::vector<std::string> &databases);

// The columns of one table as the server has them now (for a schema change in the binary log).
std::vector<ColumnType> read_columns(Connection &connection, const std::string &database,
                                     const std::string &table);

}  // namespace chorus::tap_mysql
