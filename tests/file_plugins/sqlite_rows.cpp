#include "sqlite_rows.h"

#include <sqlite3.h>

#include <stdexcept>

namespace chorus::file_plugins_test {

std::vector<std::vector<std::string>> query(const std::filesystem::path &database,
                                            const std::string &sql) {
  sqlite3 *db = nullptr;
  if (sqlite3_open_v2(database.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::string message = sqlite3_errmsg(db);
    sqlite3_close(db);
    throw std::runtime_error("cannot open " + database.string() + ": " + message);
  }
  sqlite3_stmt *statement = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
    std::string message = sqlite3_errmsg(db);
    sqlite3_close(db);
    throw std::runtime_error("cannot prepare '" + sql + "': " + message);
  }
  std::vector<std::vector<std::string>> rows;
  while (sqlite3_step(statement) == SQLITE_ROW) {
    std::vector<std::string> row;
    for (int i = 0; i < sqlite3_column_count(statement); ++i) {
      const unsigned char *text = sqlite3_column_text(statement, i);
      row.push_back(text == nullptr ? "<null>" : reinterpret_cast<const char *>(text));
    }
    rows.push_back(std::move(row));
  }
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return rows;
}

std::string query_value(const std::filesystem::path &database, const std::string &sql) {
  auto rows = query(database, sql);
  if (rows.size() != 1 || rows[0].size() != 1) {
    throw std::runtime_error("'" + sql + "' did not return exactly one value");
  }
  return rows[0][0];
}

}  // namespace chorus::file_plugins_test
