// A thin RAII layer over the SQLite C API: one connection, prepared statements, transactions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace chorus::target_sqlite {

class Database {
 public:
  // Opens (creating) the database in WAL mode with synchronous=FULL, so that a COMMIT has
  // reached the disk when it returns. Throws FatalError naming the path.
  explicit Database(const std::string &path);
  ~Database();
  Database(const Database &) = delete;
  Database &operator=(const Database &) = delete;

  // Runs one or more statements without results; throws FatalError with `what` and SQLite's
  // message.
  void exec(const std::string &sql, std::string_view what);
  sqlite3 *handle() const { return db_; }
  const std::string &path() const { return path_; }
  std::string last_error() const;

 private:
  sqlite3 *db_ = nullptr;
  std::string path_;
};

class Statement {
 public:
  Statement() = default;
  Statement(Database &db, const std::string &sql);
  ~Statement();
  Statement(Statement &&other) noexcept;
  Statement &operator=(Statement &&other) noexcept;

  explicit operator bool() const { return stmt_ != nullptr; }

  // Parameters are 1-based. Text is bound without a copy: it must stay valid until step().
  void bind_null(int index);
  void bind_int64(int index, std::int64_t value);
  void bind_double(int index, double value);
  void bind_text(int index, std::string_view text);
  // Steps to completion (statements without result rows) and resets for the next use. Returns
  // false on an error, whose message error() then gives.
  bool run();
  const std::string &error() const { return last_error_; }
  // Steps once; true while a row is available.
  bool next_row();
  std::int64_t column_int64(int index) const;
  std::string column_text(int index) const;

 private:
  sqlite3_stmt *stmt_ = nullptr;
  Database *db_ = nullptr;
  std::string last_error_;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back when left without commit() (by an exception).
class Transaction {
 public:
  explicit Transaction(Database &db);
  ~Transaction();
  void commit();

 private:
  Database &db_;
  bool open_ = true;
};

}  // namespace chorus::target_sqlite
