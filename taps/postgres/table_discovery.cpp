#include "table_discovery.h"

#include <map>

namespace chorus::tap_postgres {

std::vector<TableInfo> discover_tables(pg::Connection &connection,
                                       const std::vector<std::string> &schemas) {
  std::string schema_list;
  for (const auto &schema : schemas) {
    if (!schema_list.empty()) schema_list += ", ";
    schema_list += connection.literal(schema);
  }
  if (schema_list.empty()) return {};
  auto rows = connection.query(
      "SELECT n.nspname, c.relname, c.relkind, c.reltuples::bigint, a.attname, "
      "format_type(a.atttypid, a.atttypmod), t.typname, t.typcategory, a.atttypmod, "
      "a.attnotnull, "
      "(SELECT array_position(i.indkey::int2[], a.attnum) FROM pg_index i "
      " WHERE i.indrelid = c.oid AND i.indisprimary), "
      "a.atttypid::bigint "
      "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
      "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
      "JOIN pg_type t ON t.oid = a.atttypid "
      "WHERE c.relkind IN ('r', 'p', 'v', 'm') AND n.nspname IN (" +
      schema_list +
      ") AND NOT c.relispartition "
      "ORDER BY n.nspname, c.relname, a.attnum");
  std::vector<TableInfo> tables;
  std::map<int, std::string> key_positions;
  auto close_table = [&] {
    if (tables.empty()) return;
    for (const auto &[position, name] : key_positions) tables.back().primary_key.push_back(name);
    key_positions.clear();
  };
  for (const auto &row : rows) {
    const std::string &schema = *row[0];
    const std::string &name = *row[1];
    if (tables.empty() || tables.back().schema != schema || tables.back().name != name) {
      close_table();
      TableInfo table;
      table.schema = schema;
      table.name = name;
      char kind = (*row[2])[0];
      table.is_view = kind == 'v' || kind == 'm';
      table.row_estimate = std::stoll(row[3].value_or("0"));
      tables.push_back(std::move(table));
    }
    ColumnType column;
    column.name = *row[4];
    column.sql_type = *row[5];
    column.type_name = *row[6];
    column.type_category = (*row[7])[0];
    column.type_modifier = std::stoi(*row[8]);
    column.not_null = *row[9] == "t";
    if (row[10]) key_positions[std::stoi(*row[10])] = column.name;
    column.type_oid = static_cast<std::uint32_t>(std::stoul(*row[11]));
    tables.back().columns.push_back(std::move(column));
  }
  close_table();
  return tables;
}

}  // namespace chorus::tap_postgres
