// A MySQL or MariaDB connection through MariaDB Connector/C: statements, rows streamed as the
// server sends them, and errors a user can act on. libmariadb stays behind this header.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chorus/plugin/setting.h"

struct st_mysql;

namespace chorus::tap_mysql {

struct ConnectionSettings {
  std::string host = "localhost";
  int port = 3306;
  std::string user;
  std::string password;
  int connect_timeout_seconds = 10;
  // Seconds the server waits for the client to take more rows of a streamed result: a slow
  // target must not make the server drop a full-table read half way.
  int net_write_timeout_seconds = 3600;
};

// The connection's settings (host, port, user (required), password (secret), connect_timeout,
// net_write_timeout), declared once: for the tap's settings schema and for
// connection_settings().
SettingList connection_setting_list();
ConnectionSettings connection_settings(const nlohmann::json &config);
// "user@host:port", for messages. Never contains the password.
std::string describe(const ConnectionSettings &settings);

// One row of a streamed result: each field's bytes, nullopt for NULL. Valid during the call.
using RowView = std::vector<std::optional<std::string_view>>;

class Connection {
 public:
  using Row = std::vector<std::optional<std::string>>;

  // Connects, then sets the session up for exact reads: utf8mb4 results and time zone UTC
  // (TIMESTAMP values come in UTC). Throws ConfigError when the server refused the
  // credentials, RetryableError when it cannot be reached; messages name tap-mysql and
  // describe(settings).
  explicit Connection(const ConnectionSettings &settings);
  ~Connection();
  Connection(const Connection &) = delete;
  Connection &operator=(const Connection &) = delete;

  void execute(const std::string &sql);
  // The rows of `sql` as text (NULL as nullopt), buffered: for small catalog queries.
  std::vector<Row> query(const std::string &sql);
  // Runs `sql` and calls `on_row` for each row as it arrives (mysql_use_result: nothing is
  // buffered on the client). When `on_row` throws, the rest of the result is not read: the
  // connection is cancelled and unusable afterwards.
  void stream(const std::string &sql, const std::function<void(const RowView &)> &on_row);

  // `text` as a quoted SQL string literal for this connection.
  std::string literal(std::string_view text);
  st_mysql *handle() { return mysql_; }
  const ConnectionSettings &settings() const { return settings_; }
  // The server's error for the last call, with its number: "... (error 1146)".
  std::string last_error() const;
  unsigned last_errno() const;

 private:
  [[noreturn]] void fail(const std::string &what) const;
  ConnectionSettings settings_;
  st_mysql *mysql_ = nullptr;
};

}  // namespace chorus::tap_mysql
