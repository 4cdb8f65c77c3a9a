// A PostgreSQL connection for chorus plugins: plain statements, COPY in both directions, and
// errors a user can act on. libpq stays behind this header.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chorus/plugin/errors.h"
#include "chorus/plugin/setting.h"

namespace chorus::pg {

// A statement or COPY broke a unique constraint (SQLSTATE 23505). A sink that first tries a
// plain COPY into a keyed table catches it and falls back to an upsert.
class UniqueViolation : public FatalError {
 public:
  using FatalError::FatalError;
};

struct ConnectionSettings {
  std::string host = "localhost";
  int port = 5432;
  std::string user;
  std::string password;  // empty: libpq reads ~/.pgpass (or PGPASSFILE)
  std::string dbname;
  std::string sslmode = "prefer";  // disable, allow, prefer, require, verify-ca, verify-full
  std::string sslrootcert;
  std::string sslcert;
  std::string sslkey;
  int connect_timeout_seconds = 10;
  std::string application_name = "chorus";
};

// The connection settings (host, port, user, password (secret), dbname, sslmode, sslrootcert,
// sslcert, sslkey, connect_timeout), to add to a plugin's settings.
SettingList connection_setting_list();

// Reads those settings from a plugin config (defaults already applied or not).
ConnectionSettings connection_settings(const nlohmann::json &config);

// "user@host:port/dbname", for messages. Never contains the password.
std::string describe(const ConnectionSettings &settings);

// The libpq connection string for `settings`: every value single-quoted with ' and \ escaped,
// empty values left out (an empty password lets libpq read ~/.pgpass).
std::string conninfo(const ConnectionSettings &settings);

// The data format of a COPY: text lines, or binary tuples (chorus/pg/copy_binary.h).
enum class CopyFormat { Text, Binary };

class Connection {
 public:
  using Row = std::vector<std::optional<std::string>>;

  // Connects. Throws chorus::ConfigError when the server refused the credentials or the
  // database does not exist, chorus::RetryableError when the server cannot be reached. The
  // message names `plugin` and describe(settings), never the password.
  Connection(const ConnectionSettings &settings, std::string plugin);
  ~Connection();
  Connection(const Connection &) = delete;
  Connection &operator=(const Connection &) = delete;

  // Runs one statement (or several separated by ';' when there is no result to read).
  void execute(const std::string &sql);
  // Runs a query and returns its rows as text (NULL as nullopt).
  std::vector<Row> query(const std::string &sql);

  // Session transaction control (plain BEGIN/COMMIT/ROLLBACK statements).
  void begin(const std::string &mode = {});  // e.g. "ISOLATION LEVEL REPEATABLE READ"
  void commit();
  void rollback() noexcept;

  // `text` as a SQL string literal, escaped for this connection ('it''s').
  std::string literal(std::string_view text) const;

  // Runs `COPY <source> TO STDOUT` in `format` and calls `on_data` with each piece the server
  // sends: no result set is materialised. In text, a piece is one data line without its '\n';
  // in binary, a piece of the stream for binary::TupleReader (copy_binary_reader.h). `source`
  // is a quoted table name or a parenthesised query.
  void copy_out(const std::string &source, CopyFormat format,
                const std::function<void(std::string_view)> &on_data);

  // Receives COPY data: whole text lines, each ending in '\n', or whole binary tuples.
  class CopyWriter {
   public:
    virtual ~CopyWriter() = default;
    virtual void write(std::string_view data) = 0;
  };
  // Runs `COPY <table> (<columns>) FROM STDIN` in `format` with the data `produce` writes; for
  // binary, copy_in sends the stream's header and trailer itself. `table` and `columns` are
  // already quoted. An exception from `produce` abandons the COPY (the server keeps none of
  // its rows) and passes through.
  void copy_in(const std::string &table, const std::vector<std::string> &columns, CopyFormat format,
               const std::function<void(CopyWriter &)> &produce);

  const std::string &plugin() const { return plugin_; }
  const std::string &description() const { return description_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string plugin_;
  std::string description_;
};

}  // namespace chorus::pg
