#include "state/postgres_state_store.h"

#include <cctype>
#include <stdexcept>

#include "chorus/pg/connection.h"
#include "log.h"

namespace chorus::host {
namespace {

// The transaction lock that lets one connection at a time create the tables.
constexpr const char *kCreateTablesLockKey = "hashtextextended('chorus_state tables', 0)";

std::string percent_decoded(const std::string &text, const std::string &url) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size() || !std::isxdigit(static_cast<unsigned char>(text[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      throw std::runtime_error("state URL " + url + ": a '%' must be followed by two hex digits");
    }
    out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
    i += 2;
  }
  return out;
}

// The URL without its password, for messages.
std::string without_password(const std::string &url) {
  const auto scheme_end = url.find("://") + 3;
  const auto at = url.find('@', scheme_end);
  const auto colon = url.find(':', scheme_end);
  if (at == std::string::npos || colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon) + ":***" + url.substr(at);
}

struct ParsedUrl {
  nlohmann::json settings = nlohmann::json::object();  // pg connection settings
  std::string state_id;
};

ParsedUrl parse_url(const std::string &url, const std::string &shown) {
  ParsedUrl parsed;
  std::string rest = url.substr(url.find("://") + 3);
  std::string query;
  if (auto mark = rest.find('?'); mark != std::string::npos) {
    query = rest.substr(mark + 1);
    rest.erase(mark);
  }
  if (auto at = rest.rfind('@'); at != std::string::npos) {
    std::string credentials = rest.substr(0, at);
    rest.erase(0, at + 1);
    auto colon = credentials.find(':');
    parsed.settings["user"] = percent_decoded(credentials.substr(0, colon), shown);
    if (colon != std::string::npos) {
      parsed.settings["password"] = percent_decoded(credentials.substr(colon + 1), shown);
    }
  }
  const auto slash = rest.find('/');
  const std::string dbname = slash == std::string::npos ? "" : rest.substr(slash + 1);
  std::string host_port = rest.substr(0, slash);
  if (dbname.empty() || dbname.find('/') != std::string::npos) {
    throw std::runtime_error("state " + shown +
                             ": a PostgreSQL state is postgresql://USER@HOST:PORT/DBNAME "
                             "(?state_id=NAME to name the state)");
  }
  parsed.settings["dbname"] = percent_decoded(dbname, shown);
  if (auto colon = host_port.rfind(':'); colon != std::string::npos) {
    const std::string port = host_port.substr(colon + 1);
    if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos) {
      throw std::runtime_error("state " + shown + ": port '" + port + "' is not a number");
    }
    parsed.settings["port"] = std::stoi(port);
    host_port.erase(colon);
  }
  if (!host_port.empty()) parsed.settings["host"] = percent_decoded(host_port, shown);
  static const char *const known[] = {"state_id", "sslmode", "sslrootcert",
                                      "sslcert",  "sslkey",  "connect_timeout"};
  std::size_t start = 0;
  while (start < query.size()) {
    std::size_t end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    const std::string pair = query.substr(start, end - start);
    start = end + 1;
    const auto equals = pair.find('=');
    const std::string name = pair.substr(0, equals);
    const std::string value =
        equals == std::string::npos ? "" : percent_decoded(pair.substr(equals + 1), shown);
    bool ok = false;
    for (const char *k : known) ok = ok || name == k;
    if (!ok) {
      throw std::runtime_error("state " + shown + ": '" + name +
                               "' is not a known parameter (state_id, sslmode, sslrootcert, "
                               "sslcert, sslkey, connect_timeout)");
    }
    if (name == "state_id") {
      parsed.state_id = value;
    } else if (name == "connect_timeout") {
      parsed.settings[name] = std::stoi(value);
    } else {
      parsed.settings[name] = value;
    }
  }
  return parsed;
}

// The session advisory lock of one state on the store's connection.
class PostgresStateLock final : public StateLock {
 public:
  PostgresStateLock(pg::Connection &connection, const std::string &state_id,
                    const std::string &location, std::string purpose)
      : connection_(connection), id_(connection.literal(state_id)) {
    const auto got =
        connection_.query("SELECT pg_try_advisory_lock(hashtextextended(" + id_ + ", 0))");
    const auto holder_rows =
        connection_.query("SELECT holder FROM chorus_state_lock WHERE state_id = " + id_);
    StateLockHolder left;
    if (!holder_rows.empty() && holder_rows[0][0]) {
      left = StateLockHolder::from_json(nlohmann::json::parse(*holder_rows[0][0], nullptr, false));
    }
    if (got.empty() || got[0][0].value_or("f") != "t") {
      throw StateLockedError(
          state_in_use_message(location, left,
                               "its lock is a session advisory lock in that database; the "
                               "holder's session is in pg_stat_activity"),
          left);
    }
    if (!left.purpose.empty()) {
      log_warn("state " + location + ": taking over the lock left by " + left.describe() +
               ", which ended without releasing it (killed or crashed); the state it stored "
               "last is kept");
    }
    const std::string holder =
        connection_.literal(StateLockHolder::current(std::move(purpose)).to_json().dump());
    connection_.execute("INSERT INTO chorus_state_lock (state_id, holder) VALUES (" + id_ + ", " +
                        holder + ") ON CONFLICT (state_id) DO UPDATE SET holder = EXCLUDED.holder");
  }

  ~PostgresStateLock() override {
    try {
      // No row means released cleanly, as an empty lock file does.
      connection_.execute("DELETE FROM chorus_state_lock WHERE state_id = " + id_);
      connection_.query("SELECT pg_advisory_unlock(hashtextextended(" + id_ + ", 0))");
    } catch (const std::exception &error) {
      log_warn(std::string("state lock: cannot release it cleanly (") + error.what() +
               "); the server releases it when the connection closes");
    }
  }

 private:
  pg::Connection &connection_;
  std::string id_;  // the state id as a SQL literal
};

class PostgresStateStore final : public StateStore {
 public:
  PostgresStateStore(const pg::ConnectionSettings &settings, std::string state_id,
                     std::string location)
      : connection_(settings, "chorus state"),
        state_id_(std::move(state_id)),
        location_(std::move(location)),
        id_(connection_.literal(state_id_)) {
    // Concurrent CREATE TABLE IF NOT EXISTS can still collide in the catalog; one at a time.
    connection_.begin();
    try {
      connection_.query(std::string("SELECT pg_advisory_xact_lock(") + kCreateTablesLockKey + ")");
      connection_.execute(
          "CREATE TABLE IF NOT EXISTS chorus_state (state_id text PRIMARY KEY, value text NOT "
          "NULL, updated_at timestamptz NOT NULL DEFAULT now());"
          "CREATE TABLE IF NOT EXISTS chorus_state_lock (state_id text PRIMARY KEY, holder text "
          "NOT NULL)");
      connection_.commit();
    } catch (...) {
      connection_.rollback();
      throw;
    }
  }

  std::string location() const override { return location_; }

  std::optional<nlohmann::json> read() override {
    auto rows = connection_.query("SELECT value FROM chorus_state WHERE state_id = " + id_);
    if (rows.empty() || !rows[0][0]) return std::nullopt;
    return parse_stored_state(*rows[0][0], location_);
  }

  void write(const nlohmann::json &state) override {
    connection_.execute("INSERT INTO chorus_state (state_id, value, updated_at) VALUES (" + id_ +
                        ", " + connection_.literal(state.dump(2) + "\n") +
                        ", now()) ON CONFLICT (state_id) DO UPDATE SET value = EXCLUDED.value, "
                        "updated_at = EXCLUDED.updated_at");
  }

  bool clear() override {
    return !connection_
                .query("DELETE FROM chorus_state WHERE state_id = " + id_ + " RETURNING state_id")
                .empty();
  }

  std::unique_ptr<StateLock> lock(const std::string &purpose) override {
    return std::make_unique<PostgresStateLock>(connection_, state_id_, location_, purpose);
  }

 private:
  pg::Connection connection_;
  std::string state_id_;
  std::string location_;
  std::string id_;  // state_id_ as a SQL literal
};

}  // namespace

std::unique_ptr<StateStore> open_postgres_state_store(const std::string &url,
                                                      const std::string &default_state_id) {
  const std::string shown = without_password(url);
  ParsedUrl parsed = parse_url(url, shown);
  if (parsed.state_id.empty()) parsed.state_id = default_state_id;
  if (parsed.state_id.empty()) {
    throw std::runtime_error("state " + shown +
                             ": name the state with ?state_id=NAME (a pipeline file's state "
                             "defaults to the pipeline's name)");
  }
  pg::ConnectionSettings settings = pg::connection_settings(parsed.settings);
  settings.application_name = "chorus state";
  std::string location = shown;
  if (location.find("state_id=") == std::string::npos) {
    location += (location.find('?') == std::string::npos ? "?" : "&") + std::string("state_id=") +
                parsed.state_id;
  }
  return std::make_unique<PostgresStateStore>(settings, parsed.state_id, location);
}

}  // namespace chorus::host
