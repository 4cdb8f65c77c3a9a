// Reads the tables and views of the configured schemas from the PostgreSQL catalog.
#pragma once

#include <string>
#include <vector>

#include "chorus/pg/connection.h"
#include "column_types.h"

namespace chorus::tap_postgres {

struct TableInfo {
  std::string schema;
  std::string name;
  bool is_view = false;
  long long row_estimate = 0;  // pg_class.reltuples; -1 when never analysed
  std::vector<ColumnType> columns;
  std::vector<std::string> primary_key;  // in key order

  // "<schema>-<table>": the stream name targets split back into schema and table.
  std::string stream_name() const { return schema + "-" + name; }
  std::string qualified_name() const { return quote_name(schema) + "." + quote_name(name); }
};

std::vector<TableInfo> discover_tables(pg::Connection &connection,
                                       const std::vector<std::string> &schemas);

}  // namespace chorus::tap_postgres
