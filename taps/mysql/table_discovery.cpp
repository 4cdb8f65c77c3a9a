#include "table_discovery.h"

#include <map>
#include <set>
#include <tuple>

namespace chorus::tap_mysql {
namespace {

const char *kColumns =
    "SELECT c.TABLE_SCHEMA, c.TABLE_NAME, c.COLUMN_NAME, c.DATA_TYPE, c.COLUMN_TYPE, "
    "c.IS_NULLABLE, c.NUMERIC_PRECISION, c.NUMERIC_SCALE, c.DATETIME_PRECISION, "
    "c.CHARACTER_MAXIMUM_LENGTH, c.CHARACTER_SET_NAME, t.TABLE_TYPE, t.TABLE_ROWS "
    "FROM information_schema.COLUMNS c JOIN information_schema.TABLES t "
    "ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME ";

std::string in_list(Connection &connection, const std::vector<std::string> &values) {
  std::string list;
  for (const auto &value : values) list += (list.empty() ? "" : ", ") + connection.literal(value);
  return "(" + list + ")";
}

std::string where(Connection &connection, const std::vector<std::string> &databases,
                  const char *column) {
  if (databases.empty()) {
    return std::string(column) +
           " NOT IN ('information_schema', 'performance_schema', 'mysql', 'sys')";
  }
  return std::string(column) + " IN " + in_list(connection, databases);
}

using TableKey = std::pair<std::string, std::string>;

// MariaDB's JSON is LONGTEXT with a CHECK (json_valid(`column`)) named for the column.
std::set<std::tuple<std::string, std::string, std::string>> json_checked_columns(
    Connection &connection, const std::string &condition) {
  std::set<std::tuple<std::string, std::string, std::string>> columns;
  auto rows = connection.query(
      "SELECT CONSTRAINT_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE FROM "
      "information_schema.CHECK_CONSTRAINTS WHERE " +
      condition);
  for (const auto &row : rows) {
    const std::string name = row[2].value_or("");
    if (row[3].value_or("") == "json_valid(" + quote_name(name) + ")") {
      columns.insert({row[0].value_or(""), row[1].value_or(""), name});
    }
  }
  return columns;
}

ColumnType column_of(const Connection::Row &row, bool json_checked) {
  auto number = [](const std::optional<std::string> &field) {
    return field ? std::stoll(*field) : 0LL;
  };
  ColumnType column;
  column.name = row[2].value_or("");
  column.data_type = row[3].value_or("");
  column.column_type = row[4].value_or("");
  column.nullable = row[5].value_or("YES") == "YES";
  column.kind = kind_of(column.data_type, json_checked);
  column.is_unsigned = column.column_type.find("unsigned") != std::string::npos;
  column.charset = row[10].value_or("");
  if (column.kind == ValueKind::Decimal || column.kind == ValueKind::Bit) {
    column.precision = static_cast<int>(number(row[6]));
    column.scale = static_cast<int>(number(row[7]));
  } else {
    column.precision = static_cast<int>(number(row[8]));
  }
  if (row[9]) column.max_length = number(row[9]);
  if (column.kind == ValueKind::Enum || column.kind == ValueKind::Set) {
    column.members = parse_members(column.column_type);
  }
  return column;
}

}  // namespace

std::vector<TableInfo> discover_tables(Connection &connection,
                                       const std::vector<std::string> &databases) {
  const auto json_columns =
      json_checked_columns(connection, where(connection, databases, "CONSTRAINT_SCHEMA"));
  std::map<TableKey, TableInfo> tables;
  for (const auto &row : connection.query(std::string(kColumns) + "WHERE " +
                                          where(connection, databases, "c.TABLE_SCHEMA") +
                                          " ORDER BY c.TABLE_SCHEMA, c.TABLE_NAME, "
                                          "c.ORDINAL_POSITION")) {
    TableKey key{row[0].value_or(""), row[1].value_or("")};
    TableInfo &table = tables[key];
    if (table.name.empty()) {
      table.database = key.first;
      table.name = key.second;
      table.is_view = row[11].value_or("") == "VIEW";
      table.row_estimate = row[12] ? std::stoll(*row[12]) : 0;
    }
    const bool json = json_columns.count({key.first, key.second, row[2].value_or("")}) > 0;
    table.columns.push_back(column_of(row, json));
  }
  for (const auto &row : connection.query(
           "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME FROM "
           "information_schema.KEY_COLUMN_USAGE WHERE CONSTRAINT_NAME = 'PRIMARY' AND " +
           where(connection, databases, "TABLE_SCHEMA") +
           " ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION")) {
    auto it = tables.find({row[0].value_or(""), row[1].value_or("")});
    if (it != tables.end()) it->second.primary_key.push_back(row[2].value_or(""));
  }
  std::vector<TableInfo> result;
  for (auto &[key, table] : tables) result.push_back(std::move(table));
  return result;
}

std::vector<ColumnType> read_columns(Connection &connection, const std::string &database,
                                     const std::string &table) {
  const std::string condition = "CONSTRAINT_SCHEMA = " + connection.literal(database) +
                                " AND TABLE_NAME = " + connection.literal(table);
  const auto json_columns = json_checked_columns(connection, condition);
  std::vector<ColumnType> columns;
  for (const auto &row : connection.query(
           std::string(kColumns) + "WHERE c.TABLE_SCHEMA = " + connection.literal(database) +
           " AND c.TABLE_NAME = " + connection.literal(table) + " ORDER BY c.ORDINAL_POSITION")) {
    columns.push_back(
        column_of(row, json_columns.count({database, table, row[2].value_or("")}) > 0));
  }
  return columns;
}

}  // namespace chorus::tap_mysql
