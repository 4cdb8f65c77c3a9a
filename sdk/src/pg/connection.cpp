#include "chorus/pg/connection.h"

#include <libpq-fe.h>

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

bool refused_credentials(const std::string &message) {
  for (const char *needle :
       {"password authentication failed", "no password supplied", "does not exist",
        "authentication failed", "no pg_hba.conf entry", "certificate", "SSL"}) {
    if (message.find(needle) != std::string::npos) return true;
  }
  return false;
}

std::string abbreviated(const std::string &sql) {
  return sql.size() > 300 ? sql.substr(0, 300) + "..." : sql;
}

struct ResultDeleter {
  void operator()(PGresult *result) const { PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

// The 19 bytes every binary COPY stream starts with: signature, flags, header extension length.
constexpr char kBinaryHeader[] = "PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0";
constexpr std::size_t kBinaryHeaderSize = 19;
// A field count of -1 ends binary COPY data.
constexpr char kBinaryTrailer[] = "\377\377";

}  // namespace

std::string trimmed_message(const char *text) {
  std::string out = text != nullptr ? text : "";
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

void throw_connect_error(const std::string &plugin, const std::string &description,
                         const std::string &server_message) {
  std::string message = trimmed_message(server_message.c_str());
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
  PGconn *connection = nullptr;
  std::string plugin;
  std::string description;

  ~Impl() {
    if (connection != nullptr) PQfinish(connection);
  }

  std::string error_message() const { return trimmed_message(PQerrorMessage(connection)); }
  bool lost() const { return PQstatus(connection) == CONNECTION_BAD; }

  // Reads the results still queued after a COPY or a failed statement, so the connection can
  // take the next command.
  void discard_results() {
    while (PGresult *result = PQgetResult(connection)) {
      const ExecStatusType status = PQresultStatus(result);
      PQclear(result);
      if (status == PGRES_COPY_IN) {
        PQputCopyEnd(connection, "abandoned by chorus");
      } else if (status == PGRES_COPY_OUT) {
        char *buffer = nullptr;
        while (PQgetCopyData(connection, &buffer, 0) > 0) PQfreemem(buffer);
      }
      if (lost()) return;
    }
  }

  [[noreturn]] void fail(const PGresult *result, std::string_view doing) const {
    std::string what = result != nullptr ? trimmed_message(PQresultErrorMessage(result)) : "";
    if (what.empty()) what = error_message();
    std::string text =
        plugin + ": PostgreSQL " + description + ": " + std::string(doing) + ": " + what;
    if (lost()) throw RetryableError(text + " (connection lost; the run can be retried)");
    const char *sqlstate =
        result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    if (sqlstate != nullptr && std::string_view(sqlstate) == "23505") throw UniqueViolation(text);
    throw FatalError(text);
  }

  // Runs `sql`; a result that is not a success becomes fail(). `starts_copy`: the success is
  // the start of a COPY (copy_in, copy_out), else a COPY's start is refused as a failure would
  // be, so the connection never stays in COPY mode after a plain statement.
  Result run(const std::string &sql, std::string_view doing, bool starts_copy = false) {
    Result result(PQexec(connection, sql.c_str()));
    const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
    const bool copy = status == PGRES_COPY_IN || status == PGRES_COPY_OUT;
    if (copy == starts_copy && (copy || status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK ||
                                status == PGRES_EMPTY_QUERY)) {
      return result;
    }
    if (copy) {
      result.reset();
      discard_results();
      throw FatalError(plugin + ": PostgreSQL " + description + ": " + std::string(doing) +
                       ": a COPY cannot run as a plain statement; use copy_in or copy_out");
    }
    fail(result.get(), doing);
  }
};

Connection::Connection(const ConnectionSettings &settings, std::string plugin)
    : impl_(std::make_unique<Impl>()),
      plugin_(std::move(plugin)),
      description_(describe(settings)) {
  impl_->plugin = plugin_;
  impl_->description = description_;
  const std::string info = conninfo(settings);
  char *parse_error = nullptr;
  if (PQconninfoOption *options = PQconninfoParse(info.c_str(), &parse_error)) {
    PQconninfoFree(options);
  } else {
    std::string message = parse_error != nullptr ? parse_error : "invalid connection settings";
    PQfreemem(parse_error);
    throw ConfigError(plugin_ + ": cannot connect to PostgreSQL at " + description_ + ": " +
                      trimmed_message(message.c_str()));
  }
  impl_->connection = PQconnectdb(info.c_str());
  if (impl_->connection == nullptr) {
    throw RetryableError(plugin_ + ": cannot connect to PostgreSQL at " + description_ +
                         ": out of memory");
  }
  if (PQstatus(impl_->connection) != CONNECTION_OK) {
    throw_connect_error(plugin_, description_, PQerrorMessage(impl_->connection));
  }
  // NOTICEs ("relation already exists, skipping") are the server talking to itself.
  PQsetNoticeProcessor(
      impl_->connection, [](void *, const char *) {}, nullptr);
}

Connection::~Connection() = default;

void Connection::execute(const std::string &sql) { impl_->run(sql, "running " + abbreviated(sql)); }

std::vector<Connection::Row> Connection::query(const std::string &sql) {
  Result result = impl_->run(sql, "running " + abbreviated(sql));
  const int rows = PQntuples(result.get());
  const int columns = PQnfields(result.get());
  std::vector<Row> out(static_cast<std::size_t>(rows));
  for (int row = 0; row < rows; ++row) {
    Row &values = out[static_cast<std::size_t>(row)];
    values.reserve(static_cast<std::size_t>(columns));
    for (int column = 0; column < columns; ++column) {
      if (PQgetisnull(result.get(), row, column)) {
        values.emplace_back(std::nullopt);
      } else {
        values.emplace_back(
            std::string(PQgetvalue(result.get(), row, column),
                        static_cast<std::size_t>(PQgetlength(result.get(), row, column))));
      }
    }
  }
  return out;
}

void Connection::begin(const std::string &mode) {
  execute(mode.empty() ? "BEGIN" : "BEGIN " + mode);
}

void Connection::commit() { execute("COMMIT"); }

void Connection::rollback() noexcept {
  // Nothing to roll back on a broken connection; the server aborts the transaction itself.
  if (impl_->lost()) return;
  impl_->discard_results();
  PQclear(PQexec(impl_->connection, "ROLLBACK"));
}

std::string Connection::literal(std::string_view text) const {
  std::string out(2 * text.size() + 3, '\0');
  int error = 0;
  const std::size_t size =
      PQescapeStringConn(impl_->connection, out.data() + 1, text.data(), text.size(), &error);
  if (error != 0) {
    throw FatalError(plugin_ + ": PostgreSQL " + description_ +
                     ": cannot quote a literal: " + impl_->error_message());
  }
  out[0] = '\'';
  out[size + 1] = '\'';
  out.resize(size + 2);
  return out;
}

void Connection::copy_out(const std::string &source, CopyFormat format,
                          const std::function<void(std::string_view)> &on_data) {
  const std::string doing = "reading COPY " + abbreviated(source);
  const bool text = format == CopyFormat::Text;
  // A quoted table name or a parenthesised query both go straight after COPY.
  impl_->run("COPY " + source + " TO STDOUT" + (text ? "" : " (FORMAT binary)"), doing, true);
  char *buffer = nullptr;
  try {
    int size = 0;
    while ((size = PQgetCopyData(impl_->connection, &buffer, 0)) > 0) {
      std::string_view data(buffer, static_cast<std::size_t>(size));
      if (text && !data.empty() && data.back() == '\n') data.remove_suffix(1);
      on_data(data);
      PQfreemem(buffer);
      buffer = nullptr;
    }
    if (size == -2) impl_->fail(nullptr, doing);
  } catch (...) {
    PQfreemem(buffer);
    // The callback gave up (a stop request, a bad value): reading the COPY to its end would
    // take as long as the rest of the read. Cancelled, the server ends it at once.
    if (PGcancel *cancel = PQgetCancel(impl_->connection)) {
      char message[256];
      PQcancel(cancel, message, sizeof message);
      PQfreeCancel(cancel);
    }
    impl_->discard_results();
    throw;
  }
  Result end(PQgetResult(impl_->connection));
  if (!end || PQresultStatus(end.get()) != PGRES_COMMAND_OK) impl_->fail(end.get(), doing);
  impl_->discard_results();
}

namespace {
class CopySender final : public Connection::CopyWriter {
 public:
  explicit CopySender(PGconn *connection) : connection_(connection) {}
  void write(std::string_view data) override {
    if (data.empty() || broken_) return;
    // A refused row shows at the COPY's end, with the server's message; a -1 here is a broken
    // connection, which the end reports too, so nothing more is sent.
    broken_ = PQputCopyData(connection_, data.data(), static_cast<int>(data.size())) != 1;
  }

 private:
  PGconn *connection_;
  bool broken_ = false;
};
}  // namespace

void Connection::copy_in(const std::string &table, const std::vector<std::string> &columns,
                         CopyFormat format, const std::function<void(CopyWriter &)> &produce) {
  const std::string doing = "loading COPY " + table;
  std::string statement = "COPY " + table + " (";
  for (std::size_t i = 0; i < columns.size(); ++i) statement += (i ? ", " : "") + columns[i];
  statement += ") FROM STDIN";
  if (format == CopyFormat::Binary) statement += " (FORMAT binary)";
  impl_->run(statement, doing, true);
  CopySender sender(impl_->connection);
  try {
    if (format == CopyFormat::Binary) sender.write({kBinaryHeader, kBinaryHeaderSize});
    produce(sender);
    if (format == CopyFormat::Binary) sender.write({kBinaryTrailer, 2});
  } catch (...) {
    // The plugin's own error (a value it refused, a stop): the server drops the COPY's rows.
    PQputCopyEnd(impl_->connection, "abandoned by chorus");
    impl_->discard_results();
    throw;
  }
  if (PQputCopyEnd(impl_->connection, nullptr) != 1) impl_->fail(nullptr, doing);
  Result end(PQgetResult(impl_->connection));
  impl_->discard_results();
  if (!end || PQresultStatus(end.get()) != PGRES_COMMAND_OK) impl_->fail(end.get(), doing);
}

}  // namespace chorus::pg
