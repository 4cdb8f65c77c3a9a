#include "redshift_session.h"

#include <libpq-fe.h>

#include <pqxx/pqxx>

#include "chorus/pg/connection.h"
#include "chorus/plugin/errors.h"
#include "redshift_settings.h"

namespace chorus::target_redshift {
namespace {

std::string first_line(const std::string &text) { return text.substr(0, text.find('\n')); }

// libpqxx 6.4 cannot run COPY ... FROM STDIN with options (FORMAT csv): its writers build the
// statement themselves. Its largeobject class hands derived classes the libpq handle of a
// transaction, which this uses for the copy protocol alone.
struct LibpqHandle : pqxx::largeobject {
  static PGconn *of(const pqxx::dbtransaction &tx) { return raw_connection(tx); }
};

}  // namespace

ConnectionSettings ConnectionSettings::from_config(const nlohmann::json &config) {
  // In the order of the fields.
  return {kHost.read(config),          kPort.read(config),     kDbname.read(config),
          kUser.read(config),          kPassword.read(config), kSslmode.read(config),
          kConnectTimeout.read(config)};
}

std::string ConnectionSettings::describe() const {
  return user + "@" + host + ":" + std::to_string(port) + "/" + dbname;
}

struct Session::Impl {
  explicit Impl(const std::string &info) : connection(info) {}
  pqxx::connection connection;
  std::unique_ptr<pqxx::work> work;
};

Session::Session(const ConnectionSettings &settings) : description_(settings.describe()) {
  pg::ConnectionSettings libpq;
  libpq.host = settings.host;
  libpq.port = settings.port;
  libpq.dbname = settings.dbname;
  libpq.user = settings.user;
  libpq.password = settings.password;
  libpq.sslmode = settings.sslmode;
  libpq.connect_timeout_seconds = settings.connect_timeout_seconds;
  libpq.application_name = "chorus target-redshift";
  const std::string info = pg::conninfo(libpq);
  try {
    impl_ = std::make_unique<Impl>(info);
  } catch (const std::exception &error) {
    std::string message = first_line(error.what());
    std::string text = "target-redshift: cannot connect to " + description_ + ": " + message;
    if (message.find("password") != std::string::npos ||
        message.find("does not exist") != std::string::npos ||
        message.find("authentication") != std::string::npos) {
      throw ConfigError(text + "; check host, user, password, dbname and sslmode");
    }
    throw RetryableError(text + "; check that the cluster is available and reachable");
  }
}

Session::~Session() { rollback(); }

void Session::fail(const std::exception &error, const std::string &doing) const {
  std::string text =
      "target-redshift: " + description_ + ": " + doing + ": " + first_line(error.what());
  if (dynamic_cast<const pqxx::broken_connection *>(&error)) {
    throw RetryableError(text + " (connection lost; the run can be retried)");
  }
  throw FatalError(text);
}

void Session::execute(const std::string &sql, const std::string &shown) {
  const std::string &text = shown.empty() ? sql : shown;
  try {
    if (impl_->work) {
      impl_->work->exec(sql);
    } else {
      pqxx::nontransaction tx(impl_->connection);
      tx.exec(sql);
    }
  } catch (const std::exception &error) {
    fail(error, "running " + (text.size() > 400 ? text.substr(0, 400) + "..." : text));
  }
}

std::vector<Session::Row> Session::query(const std::string &sql) {
  std::vector<Row> rows;
  try {
    std::unique_ptr<pqxx::nontransaction> own;
    pqxx::transaction_base *tx = impl_->work.get();
    if (!tx) {
      own = std::make_unique<pqxx::nontransaction>(impl_->connection);
      tx = own.get();
    }
    pqxx::result result = tx->exec(sql);
    for (const auto &row : result) {
      Row out;
      for (const auto &field : row) {
        if (field.is_null())
          out.emplace_back(std::nullopt);
        else
          out.emplace_back(std::string(field.c_str(), field.size()));
      }
      rows.push_back(std::move(out));
    }
  } catch (const std::exception &error) {
    fail(error, "running " + sql);
  }
  return rows;
}

void Session::begin() {
  try {
    impl_->work = std::make_unique<pqxx::work>(impl_->connection);
  } catch (const std::exception &error) {
    fail(error, "starting a transaction");
  }
}

void Session::commit() {
  try {
    impl_->work->commit();
    impl_->work.reset();
  } catch (const std::exception &error) {
    impl_->work.reset();
    fail(error, "committing");
  }
}

void Session::rollback() noexcept {
  try {
    if (impl_ && impl_->work) {
      impl_->work->abort();
      impl_->work.reset();
    }
  } catch (...) {
    impl_->work.reset();
  }
}

void Session::copy_from_stdin(const std::string &copy_sql, std::string_view data) {
  if (!impl_->work) throw FatalError("target-redshift: COPY FROM STDIN needs a transaction");
  PGconn *conn = LibpqHandle::of(*impl_->work);
  auto result_error = [&](PGresult *result) {
    std::string message = first_line(PQresultErrorMessage(result));
    const char *context = PQresultErrorField(result, PG_DIAG_CONTEXT);
    if (context) message += " (" + first_line(context) + ")";
    PQclear(result);
    return message;
  };
  PGresult *start = PQexec(conn, copy_sql.c_str());
  if (PQresultStatus(start) != PGRES_COPY_IN) {
    throw FatalError("target-redshift: " + description_ + ": " + copy_sql + ": " +
                     result_error(start));
  }
  PQclear(start);
  constexpr std::size_t kPiece = std::size_t{1} << 20;
  for (std::size_t at = 0; at < data.size(); at += kPiece) {
    std::size_t size = std::min(kPiece, data.size() - at);
    if (PQputCopyData(conn, data.data() + at, static_cast<int>(size)) != 1) {
      throw FatalError("target-redshift: sending COPY data: " + first_line(PQerrorMessage(conn)));
    }
  }
  if (PQputCopyEnd(conn, nullptr) != 1) {
    throw FatalError("target-redshift: ending COPY: " + first_line(PQerrorMessage(conn)));
  }
  std::string failure;
  while (PGresult *result = PQgetResult(conn)) {
    if (PQresultStatus(result) != PGRES_COMMAND_OK) {
      failure = result_error(result);
    } else {
      PQclear(result);
    }
  }
  if (!failure.empty()) {
    throw FatalError("target-redshift: " + description_ +
                     ": loading the staged files failed: " + failure);
  }
}

}  // namespace chorus::target_redshift
