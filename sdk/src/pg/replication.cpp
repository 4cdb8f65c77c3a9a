#include "chorus/pg/replication.h"

#include <libpq-fe.h>
#include <poll.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

#include "connect_error.h"
#include "network_order.h"
#include "postgres_epoch.h"

namespace chorus::pg {
namespace {

// Well inside the default wal_sender_timeout (60 s) and the 10 s a standby reports at.
constexpr auto kHeartbeat = std::chrono::seconds(5);

void write_u64(std::string &out, std::uint64_t value) {
  char bytes[8];
  out.append(bytes, static_cast<std::size_t>(store64(bytes, value) - bytes));
}

// `text` wrapped in `quote`, with that character doubled inside: a replication command's
// identifier ("slot") and string literal ('value').
std::string quoted(const std::string &text, char quote) {
  std::string out(1, quote);
  for (char c : text) {
    out.push_back(c);
    if (c == quote) out.push_back(quote);
  }
  return out + quote;
}

std::string quote_identifier(const std::string &name) { return quoted(name, '"'); }
std::string quote_literal(const std::string &text) { return quoted(text, '\''); }

}  // namespace

std::uint64_t parse_lsn(std::string_view text) {
  std::size_t slash = text.find('/');
  auto hex = [&](std::string_view part) {
    if (part.empty() || part.size() > 8) throw FatalError("not an LSN: " + std::string(text));
    std::uint64_t value = 0;
    for (char c : part) {
      int digit = c >= '0' && c <= '9'   ? c - '0'
                  : c >= 'A' && c <= 'F' ? c - 'A' + 10
                  : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                         : -1;
      if (digit < 0) throw FatalError("not an LSN: " + std::string(text));
      value = (value << 4) | static_cast<std::uint64_t>(digit);
    }
    return value;
  };
  if (slash == std::string_view::npos) throw FatalError("not an LSN: " + std::string(text));
  return (hex(text.substr(0, slash)) << 32) | hex(text.substr(slash + 1));
}

std::string format_lsn(std::uint64_t lsn) {
  char text[32];
  std::snprintf(text, sizeof text, "%X/%X", static_cast<unsigned>(lsn >> 32),
                static_cast<unsigned>(lsn & 0xFFFFFFFFu));
  return text;
}

struct ReplicationStream::Impl {
  std::string plugin;
  std::string description;
  PGconn *connection = nullptr;
  std::mutex mutex;  // the connection, between the owner and the heartbeat
  std::atomic<std::uint64_t> confirmed{0};
  std::string data;  // the current change's text
  bool streaming = false;

  std::thread heartbeat;
  std::mutex heartbeat_mutex;
  std::condition_variable heartbeat_wake;
  bool stopping = false;

  std::string where() const { return plugin + ": PostgreSQL " + description; }

  [[noreturn]] void lost(const std::string &doing) {
    throw RetryableError(where() + ": " + doing + ": " +
                         trimmed_message(PQerrorMessage(connection)) +
                         " (connection lost; the run can be retried)");
  }

  // The standby status update: 'r', written, flushed, applied, the client's clock, and
  // whether the server should answer at once. Called with `mutex` held.
  void send_status(bool reply_requested) {
    std::string message = "r";
    std::uint64_t lsn = confirmed.load();
    write_u64(message, lsn);
    write_u64(message, lsn);
    write_u64(message, lsn);
    auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
    write_u64(message, static_cast<std::uint64_t>(now - kPostgresEpochUnixMicros));
    message.push_back(reply_requested ? 1 : 0);
    if (PQputCopyData(connection, message.data(), static_cast<int>(message.size())) != 1 ||
        PQflush(connection) != 0) {
      lost("sending a standby status update");
    }
  }

  void beat() {
    std::unique_lock<std::mutex> lock(heartbeat_mutex);
    while (!heartbeat_wake.wait_for(lock, kHeartbeat, [this] { return stopping; })) {
      std::lock_guard<std::mutex> connection_lock(mutex);
      try {
        send_status(false);
      } catch (const std::exception &) {
        return;  // the owner meets the broken connection on its next call
      }
    }
  }
};

ReplicationStream::ReplicationStream(const ConnectionSettings &settings, std::string plugin)
    : impl_(std::make_unique<Impl>()) {
  impl_->plugin = std::move(plugin);
  impl_->description = describe(settings);
  std::string info = conninfo(settings) + " replication='database'";
  impl_->connection = PQconnectdb(info.c_str());
  if (PQstatus(impl_->connection) != CONNECTION_OK) {
    std::string message = PQerrorMessage(impl_->connection);
    PQfinish(impl_->connection);
    impl_->connection = nullptr;
    throw_connect_error(impl_->plugin, impl_->description + " (replication connection)", message);
  }
}

ReplicationStream::~ReplicationStream() {
  if (impl_->heartbeat.joinable()) {
    {
      std::lock_guard<std::mutex> lock(impl_->heartbeat_mutex);
      impl_->stopping = true;
    }
    impl_->heartbeat_wake.notify_all();
    impl_->heartbeat.join();
  }
  // Closing the socket ends the walsender; no CopyDone handshake is needed for that.
  if (impl_->connection != nullptr) PQfinish(impl_->connection);
}

void ReplicationStream::start(const std::string &slot, std::uint64_t start,
                              const std::vector<std::pair<std::string, std::string>> &options) {
  std::string command =
      "START_REPLICATION SLOT " + quote_identifier(slot) + " LOGICAL " + format_lsn(start);
  if (!options.empty()) {
    command += " (";
    for (std::size_t i = 0; i < options.size(); ++i) {
      command += (i == 0 ? "" : ", ") + quote_identifier(options[i].first) + " " +
                 quote_literal(options[i].second);
    }
    command += ")";
  }
  std::lock_guard<std::mutex> lock(impl_->mutex);
  PGresult *result = PQexec(impl_->connection, command.c_str());
  if (PQresultStatus(result) != PGRES_COPY_BOTH) {
    const char *state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    std::string message =
        impl_->where() + ": " + command + ": " + trimmed_message(PQresultErrorMessage(result));
    bool in_use = state != nullptr && std::string(state) == "55006";
    PQclear(result);
    if (PQstatus(impl_->connection) != CONNECTION_OK) impl_->lost(command);
    if (in_use) throw SlotInUse(message);
    throw FatalError(message);
  }
  PQclear(result);
  impl_->streaming = true;
  impl_->heartbeat = std::thread([impl = impl_.get()] { impl->beat(); });
}

void ReplicationStream::confirm(std::uint64_t lsn) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->confirmed.store(lsn);
  impl_->send_status(false);
}

ReplicationStream::Change ReplicationStream::next() {
  if (!impl_->streaming) throw FatalError(impl_->where() + ": next() before start()");
  while (true) {
    char *buffer = nullptr;
    int length = 0;
    {
      std::lock_guard<std::mutex> lock(impl_->mutex);
      length = PQgetCopyData(impl_->connection, &buffer, 1);
      if (length == 0) {
        // Nothing buffered: wait for the socket without the lock, so the heartbeat can send.
      } else if (length == -1) {
        PGresult *result = PQgetResult(impl_->connection);
        std::string message = trimmed_message(PQresultErrorMessage(result));
        PQclear(result);
        throw FatalError(impl_->where() + ": the server ended the replication stream" +
                         (message.empty() ? std::string() : ": " + message));
      } else if (length < -1) {
        impl_->lost("reading the replication stream");
      }
    }
    if (length == 0) {
      pollfd watch{PQsocket(impl_->connection), POLLIN, 0};
      ::poll(&watch, 1, 1000);
      std::lock_guard<std::mutex> lock(impl_->mutex);
      if (PQconsumeInput(impl_->connection) != 1) impl_->lost("reading the replication stream");
      continue;
    }
    std::unique_ptr<char, decltype(&PQfreemem)> owned(buffer, &PQfreemem);
    if (buffer[0] == 'w' && length >= 25) {
      // XLogData: start of the data in WAL, current end of WAL, server clock, data.
      impl_->data.assign(buffer + 25, static_cast<std::size_t>(length - 25));
      return {load64(buffer + 1), impl_->data};
    }
    if (buffer[0] == 'k' && length >= 18) {
      // Keepalive: end of WAL, server clock, and whether the server wants a reply now.
      if (buffer[17] != 0) {
        std::lock_guard<std::mutex> lock(impl_->mutex);
        impl_->send_status(false);
      }
      continue;
    }
    throw FatalError(impl_->where() + ": unexpected replication message '" +
                     std::string(1, buffer[0]) + "' of " + std::to_string(length) + " bytes");
  }
}

}  // namespace chorus::pg
