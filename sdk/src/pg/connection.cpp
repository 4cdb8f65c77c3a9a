#include "chorus/pg/connection.h"

#include <pqxx/pqxx>
#include <pqxx/tablewriter>

#include "chorus/plugin/errors.h"
#include "connect_error.h"

namespace chorus::pg {
namespace {

// A libpq conninfo value: single-quoted, with ' and \ escaped.
std::string conninfo_value(const std::string &value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "'";
}

std::string first_line(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

bool refused_credentials(const std::string &message) {
  for (const char *needle :
       {"password authentication failed", "no password supplied", "does not exist",
        "authentication failed", "no pg_hba.conf entry", "certificate", "SSL"}) {
    if (message.find(needle) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

void throw_connect_error(const std::string &plugin, const std::string &description,
                         const std::string &server_message) {
  std::string message = first_line(server_message);
  std::string text = plugin + ": cannot connect to PostgreSQL at " + description + ": " + message;
  if (refused_credentials(message)) {
    throw ConfigError(text + "; check user, password (or ~/.pgpass), dbname and ssl settings");
  }
  throw RetryableError(text + "; check that the server is running and reachable");
}

std::string conninfo(const ConnectionSettings &s) {
  std::string out;
  auto add = [&out](const char *key, const std::string &value) {
    if (value.empty()) return;
    if (!out.empty()) out += ' ';
    out += key;
    out += '=';
    out += conninfo_value(value);
  };
  add("host", s.host);
  add("port", std::to_string(s.port));
  add("user", s.user);
  add("password", s.password);
  add("dbname", s.dbname);
  add("sslmode", s.sslmode);
  add("sslrootcert", s.sslrootcert);
  add("sslcert", s.sslcert);
  add("sslkey", s.sslkey);
  add("connect_timeout", std::to_string(s.connect_timeout_seconds));
  add("application_name", s.application_name);
  return out;
}

struct Connection::Impl {
  explicit Impl(const std::string &info) : connection(info) {}
  pqxx::connection connection;
};

Connection::Connection(const ConnectionSettings &settings, std::string plugin)
    : plugin_(std::move(plugin)), description_(describe(settings)) {
  try {
    impl_ = std::make_unique<Impl>(conninfo(settings));
  } catch (const pqxx::broken_connection &error) {
    throw_connect_error(plugin_, description_, error.what());
  } catch (const std::exception &error) {
    throw ConfigError(plugin_ + ": cannot connect to PostgreSQL at " + description_ + ": " +
                      first_line(error.what()));
  }
}

Connection::~Connection() = default;

void Connection::fail(const std::exception &error, std::string_view doing) const {
  std::string what = first_line(error.what());
  std::string text =
      plugin_ + ": PostgreSQL " + description_ + ": " + std::string(doing) + ": " + what;
  if (dynamic_cast<const pqxx::broken_connection *>(&error)) {
    throw RetryableError(text + " (connection lost; the run can be retried)");
  }
  if (dynamic_cast<const pqxx::unique_violation *>(&error)) throw UniqueViolation(text);
  throw FatalError(text);
}

namespace {
std::string abbreviated(const std::string &sql) {
  return sql.size() > 300 ? sql.substr(0, 300) + "..." : sql;
}
}  // namespace

void Connection::execute(const std::string &sql) {
  try {
    pqxx::nontransaction tx(impl_->connection);
    tx.exec(sql);
  } catch (const std::exception &error) {
    fail(error, "running " + abbreviated(sql));
  }
}

std::vector<Connection::Row> Connection::query(const std::string &sql) {
  std::vector<Row> rows;
  try {
    pqxx::nontransaction tx(impl_->connection);
    pqxx::result result = tx.exec(sql);
    rows.reserve(result.size());
    for (const auto &row : result) {
      Row out;
      out.reserve(row.size());
      for (const auto &field : row) {
        if (field.is_null()) {
          out.emplace_back(std::nullopt);
        } else {
          out.emplace_back(std::string(field.c_str(), field.size()));
        }
      }
      rows.push_back(std::move(out));
    }
  } catch (const std::exception &error) {
    fail(error, "running " + abbreviated(sql));
  }
  return rows;
}

void Connection::begin(const std::string &mode) {
  execute(mode.empty() ? "BEGIN" : "BEGIN " + mode);
}

void Connection::commit() { execute("COMMIT"); }

void Connection::rollback() noexcept {
  try {
    pqxx::nontransaction tx(impl_->connection);
    tx.exec("ROLLBACK");
  } catch (...) {
    // Nothing to roll back on a broken connection; the server aborts the transaction itself.
  }
}

std::string Connection::literal(std::string_view text) const {
  return impl_->connection.quote(std::string(text));
}

void Connection::run_copy(const std::function<void()> &body, const std::string &doing) const {
  try {
    body();
  } catch (const chorus::FatalError &) {
    throw;  // from the plugin's own callback, or fail() already
  } catch (const chorus::ConfigError &) {
    throw;
  } catch (const chorus::RetryableError &) {
    throw;
  } catch (const std::exception &error) {
    fail(error, doing);
  }
}

void Connection::copy_out(const std::string &source,
                          const std::function<void(std::string_view)> &on_line) {
  run_copy(
      [&] {
        pqxx::nontransaction tx(impl_->connection);
        // libpqxx 6.4 puts the "table name" into COPY <name> TO STDOUT as given, so a quoted name
        // or a parenthesised query both work.
        pqxx::stream_from stream(tx, source);
        std::string line;
        try {
          while (stream.get_raw_line(line)) {
            if (!line.empty() && line.back() == '\n') line.pop_back();
            on_line(line);
          }
        } catch (...) {
          // The callback gave up (a stop request, a bad value): stream_from's destructor reads
          // the COPY to its end, which on a big table takes as long as the rest of the read.
          // Cancelled, the server ends it at once.
          try {
            impl_->connection.cancel_query();
          } catch (const std::exception &) {
            // Then the destructor drains the rest; slower, not wrong.
          }
          throw;
        }
        stream.complete();
      },
      "reading COPY " + abbreviated(source));
}

namespace {
class TableWriterSink final : public Connection::CopyWriter {
 public:
  explicit TableWriterSink(pqxx::tablewriter &stream) : stream_(stream) {}
  void write(std::string_view lines) override {
    // write_raw_line() sends the text and a '\n'; COPY data is a byte stream, so a chunk of
    // several lines can go in one call once its last '\n' is dropped.
    if (lines.empty()) return;
    if (lines.back() == '\n') lines.remove_suffix(1);
    buffer_.assign(lines.data(), lines.size());
    stream_.write_raw_line(buffer_);
  }

 private:
  pqxx::tablewriter &stream_;
  std::string buffer_;
};
}  // namespace

void Connection::copy_in(const std::string &table, const std::vector<std::string> &columns,
                         const std::function<void(CopyWriter &)> &produce) {
  run_copy(
      [&] {
        pqxx::nontransaction tx(impl_->connection);
    // libpqxx 6.4 offers raw COPY lines only through tablewriter (deprecated in favour of
    // stream_to, whose raw writer is private). Raw lines let chorus send pre-encoded chunks
    // instead of re-escaping every field.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
        pqxx::tablewriter stream(tx, table, columns.begin(), columns.end());
#pragma GCC diagnostic pop
        TableWriterSink writer(stream);
        produce(writer);
        stream.complete();
      },
      "loading COPY " + table);
}

}  // namespace chorus::pg
