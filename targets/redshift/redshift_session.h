// A session with a Redshift cluster (the PostgreSQL wire protocol, through libpqxx). pqxx stays
// behind this header.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chorus::target_redshift {

struct ConnectionSettings {
  std::string host;
  int port = 5439;
  std::string dbname;
  std::string user;
  std::string password;
  std::string sslmode = "require";
  int connect_timeout_seconds = 10;

  static ConnectionSettings from_config(const nlohmann::json &config);
  // "user@host:port/dbname": never the password.
  std::string describe() const;
};

class Session {
 public:
  using Row = std::vector<std::optional<std::string>>;

  // Throws ConfigError for refused credentials or a missing database, RetryableError when the
  // cluster cannot be reached; the message never holds the password.
  explicit Session(const ConnectionSettings &settings);
  ~Session();
  Session(const Session &) = delete;
  Session &operator=(const Session &) = delete;

  // Runs a statement: inside the open transaction, if any, else on its own. `shown` replaces
  // the statement text in error messages (for statements that carry credentials).
  void execute(const std::string &sql, const std::string &shown = {});
  std::vector<Row> query(const std::string &sql);

  void begin();
  void commit();
  void rollback() noexcept;

  // Runs `copy_sql` (a COPY ... FROM STDIN statement) inside the open transaction and sends
  // `data` as its input. For the PostgreSQL stand-in only: Redshift has no COPY FROM STDIN.
  void copy_from_stdin(const std::string &copy_sql, std::string_view data);

  const std::string &description() const { return description_; }

 private:
  [[noreturn]] void fail(const std::exception &error, const std::string &doing) const;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string description_;
};

}  // namespace chorus::target_redshift
