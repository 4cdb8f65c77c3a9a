#include "connection.h"

#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>

#include "chorus/plugin/errors.h"

namespace chorus::tap_mysql {

namespace {

// The defaults are those of ConnectionSettings, so that settings built in code and settings read
// from a config agree.
const ConnectionSettings kDefaults;

const Setting<std::string> kHost =
    Setting<std::string>("host", "Server host.").defaults_to(kDefaults.host);
const Setting<int> kPort = Setting<int>("port", "Server port.").defaults_to(kDefaults.port);
const Setting<std::string> kUser = Setting<std::string>("user", "User name.").required();
const Setting<std::string> kPassword = Setting<std::string>("password", "Password.").secret();
const Setting<int> kConnectTimeout =
    Setting<int>("connect_timeout", "Seconds to wait for the connection.")
        .defaults_to(kDefaults.connect_timeout_seconds)
        .at_least(1);
const Setting<int> kNetWriteTimeout =
    Setting<int>("net_write_timeout",
                 "Seconds the server waits for the tap to take more rows of a table before it "
                 "drops the read (the session's net_write_timeout).")
        .defaults_to(kDefaults.net_write_timeout_seconds)
        .at_least(1);

}  // namespace

SettingList connection_setting_list() {
  return {&kHost, &kPort, &kUser, &kPassword, &kConnectTimeout, &kNetWriteTimeout};
}

ConnectionSettings connection_settings(const nlohmann::json &config) {
  ConnectionSettings settings;
  settings.host = kHost.read(config);
  settings.port = kPort.read(config);
  settings.user = kUser.read(config);
  settings.password = kPassword.read(config);
  settings.connect_timeout_seconds = kConnectTimeout.read(config);
  settings.net_write_timeout_seconds = kNetWriteTimeout.read(config);
  return settings;
}

std::string describe(const ConnectionSettings &settings) {
  return settings.user + "@" + settings.host + ":" + std::to_string(settings.port);
}

Connection::Connection(const ConnectionSettings &settings) : settings_(settings) {
  mysql_ = mysql_init(nullptr);
  if (!mysql_) throw FatalError("tap-mysql: out of memory creating a connection");
  unsigned timeout = static_cast<unsigned>(settings.connect_timeout_seconds);
  mysql_optionsv(mysql_, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
  mysql_optionsv(mysql_, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  if (!mysql_real_connect(mysql_, settings.host.c_str(), settings.user.c_str(),
                          settings.password.c_str(), nullptr, static_cast<unsigned>(settings.port),
                          nullptr, 0)) {
    const unsigned code = mysql_errno(mysql_);
    const std::string message =
        "tap-mysql: cannot connect to " + describe(settings) + ": " + last_error();
    mysql_close(mysql_);
    mysql_ = nullptr;
    if (code == ER_ACCESS_DENIED_ERROR || code == ER_DBACCESS_DENIED_ERROR) {
      throw ConfigError(message + "; check user and password");
    }
    if (code == CR_CONNECTION_ERROR || code == CR_CONN_HOST_ERROR || code == CR_SERVER_LOST ||
        code == CR_SERVER_GONE_ERROR || code == CR_UNKNOWN_HOST) {
      throw RetryableError(message);
    }
    throw FatalError(message);
  }
  execute("SET time_zone = '+00:00', net_write_timeout = " +
          std::to_string(settings.net_write_timeout_seconds));
}

Connection::~Connection() {
  if (mysql_) mysql_close(mysql_);
}

std::string Connection::last_error() const {
  return std::string(mysql_error(mysql_)) + " (error " + std::to_string(mysql_errno(mysql_)) + ")";
}

unsigned Connection::last_errno() const { return mysql_errno(mysql_); }

void Connection::fail(const std::string &what) const {
  const unsigned code = mysql_errno(mysql_);
  const std::string message =
      "tap-mysql: " + what + " on " + describe(settings_) + ": " + last_error();
  if (code == CR_SERVER_LOST || code == CR_SERVER_GONE_ERROR) throw RetryableError(message);
  if (code == ER_TABLEACCESS_DENIED_ERROR || code == ER_SPECIFIC_ACCESS_DENIED_ERROR ||
      code == ER_DBACCESS_DENIED_ERROR || code == ER_COLUMNACCESS_DENIED_ERROR) {
    throw ConfigError(message + "; grant the privilege to " + settings_.user);
  }
  throw FatalError(message);
}

void Connection::execute(const std::string &sql) {
  if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) fail("statement failed");
  // A statement may still return rows (SHOW ...): read and drop them.
  if (MYSQL_RES *result = mysql_store_result(mysql_)) mysql_free_result(result);
}

std::vector<Connection::Row> Connection::query(const std::string &sql) {
  std::vector<Row> rows;
  stream(sql, [&](const RowView &row) {
    Row copy;
    for (const auto &field : row) {
      copy.push_back(field ? std::optional<std::string>(std::string(*field)) : std::nullopt);
    }
    rows.push_back(std::move(copy));
  });
  return rows;
}

void Connection::stream(const std::string &sql,
                        const std::function<void(const RowView &)> &on_row) {
  if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) fail("query failed: " + sql);
  MYSQL_RES *result = mysql_use_result(mysql_);
  if (!result) {
    if (mysql_field_count(mysql_) == 0) return;  // no result set
    fail("query failed: " + sql);
  }
  const unsigned columns = mysql_num_fields(result);
  RowView view(columns);
  try {
    while (MYSQL_ROW row = mysql_fetch_row(result)) {
      const unsigned long *lengths = mysql_fetch_lengths(result);
      for (unsigned i = 0; i < columns; ++i) {
        view[i] = row[i] ? std::optional<std::string_view>(std::string_view(row[i], lengths[i]))
                         : std::nullopt;
      }
      on_row(view);
    }
  } catch (...) {
    // Freeing an unfinished result would read (and drop) the rest of the table first.
    mariadb_cancel(mysql_);
    mysql_free_result(result);
    throw;
  }
  const bool failed = mysql_errno(mysql_) != 0;
  mysql_free_result(result);
  if (failed) fail("reading the rows failed: " + sql);
}

std::string Connection::literal(std::string_view text) {
  std::string out(text.size() * 2 + 3, '\0');
  out[0] = '\'';
  unsigned long n = mysql_real_escape_string(mysql_, out.data() + 1, text.data(), text.size());
  out.resize(n + 1);
  return out + "'";
}

}  // namespace chorus::tap_mysql
