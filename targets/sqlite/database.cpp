#include "database.h"

#include <sqlite3.h>

#include <mutex>
#include <string>
#include <utility>

#include "chorus/plugin/errors.h"

namespace chorus::target_sqlite {
namespace {

// SQLite counts every allocation under a process-wide mutex for sqlite3_memory_used(), which
// chorus never asks for: about 1.5% of a load's instructions. The setting only takes before
// SQLite's first use in the process; later it is refused (SQLITE_MISUSE) and nothing changes.
void configure_sqlite_once() {
  static std::once_flag once;
  std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

}  // namespace

Database::Database(const std::string &path) : path_(path) {
  configure_sqlite_once();
  int status =
      sqlite3_open_v2(path.c_str(), &db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (status != SQLITE_OK) {
    std::string message = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(status);
    sqlite3_close(db_);
    db_ = nullptr;
    throw FatalError("target-sqlite: cannot open the database '" + path + "': " + message +
                     "; check the `database` setting");
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, 10000);
  // page_size first: it only takes on a new database, and only before WAL mode is set. 16 KiB
  // pages cut the WAL's and the checkpoint's system calls (two pwrites per page written) to a
  // quarter of the 4 KiB default's, and a bulk load's time by about a tenth; the price is that a
  // row upserted at random into a large table rewrites a whole 16 KiB page. An existing
  // database keeps its own page size. WAL lets readers look at the database during a load.
  // synchronous=FULL makes each COMMIT durable before it returns: the target echoes STATE right
  // after, and must not lie.
  exec(
      "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
      "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536;",
      "configuring the connection");
  // Checkpoints come every 64 MiB of WAL, whatever the page size: few during a bulk load.
  std::int64_t page_bytes = 4096;
  {
    // Finished (finalized) before the next statement runs.
    Statement page_size(*this, "PRAGMA page_size");
    if (page_size.next_row()) page_bytes = page_size.column_int64(0);
  }
  exec("PRAGMA wal_autocheckpoint=" + std::to_string((std::int64_t{64} << 20) / page_bytes),
       "configuring the connection");
}

Database::~Database() {
  if (db_ != nullptr) sqlite3_close_v2(db_);
}

void Database::exec(const std::string &sql, std::string_view what) {
  char *error = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error != nullptr ? error : last_error();
    sqlite3_free(error);
    throw FatalError("target-sqlite: " + std::string(what) + " in '" + path_ +
                     "' failed: " + message + " (SQL: " + sql + ")");
  }
}

std::string Database::last_error() const { return sqlite3_errmsg(db_); }

Statement::Statement(Database &db, const std::string &sql) : db_(&db) {
  if (sqlite3_prepare_v3(db.handle(), sql.c_str(), static_cast<int>(sql.size()),
                         SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) != SQLITE_OK) {
    throw FatalError("target-sqlite: cannot prepare a statement on '" + db.path() +
                     "': " + db.last_error() + " (SQL: " + sql + ")");
  }
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement::Statement(Statement &&other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)), db_(other.db_) {}

Statement &Statement::operator=(Statement &&other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    stmt_ = std::exchange(other.stmt_, nullptr);
    db_ = other.db_;
  }
  return *this;
}

void Statement::bind_null(int index) { sqlite3_bind_null(stmt_, index); }
void Statement::bind_int64(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
}
void Statement::bind_double(int index, double value) { sqlite3_bind_double(stmt_, index, value); }
void Statement::bind_text(int index, std::string_view text) {
  // SQLite binds NULL for a null pointer, and an empty view may have one: "" must stay "".
  const char *data = text.data() != nullptr ? text.data() : "";
  sqlite3_bind_text64(stmt_, index, data, text.size(), SQLITE_STATIC, SQLITE_UTF8);
}

bool Statement::run() {
  int status = sqlite3_step(stmt_);
  while (status == SQLITE_ROW) status = sqlite3_step(stmt_);
  bool ok = status == SQLITE_DONE;
  if (!ok) {
    // Keep the message: reset() below would otherwise replace it.
    std::string message = db_->last_error();
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    last_error_ = std::move(message);
    return false;
  }
  sqlite3_reset(stmt_);
  return true;
}

bool Statement::next_row() {
  int status = sqlite3_step(stmt_);
  if (status == SQLITE_ROW) return true;
  sqlite3_reset(stmt_);
  return false;
}

std::int64_t Statement::column_int64(int index) const { return sqlite3_column_int64(stmt_, index); }

std::string Statement::column_text(int index) const {
  const unsigned char *text = sqlite3_column_text(stmt_, index);
  return text != nullptr ? reinterpret_cast<const char *>(text) : "";
}

Transaction::Transaction(Database &db) : db_(db) {
  db_.exec("BEGIN IMMEDIATE", "starting a batch");
}

Transaction::~Transaction() {
  if (open_) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  db_.exec("COMMIT", "committing a batch");
  open_ = false;
}

}  // namespace chorus::target_sqlite
