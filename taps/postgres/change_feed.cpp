// LOG_BASED replication through a wal2json logical replication slot.
//
// The slot is read over the streaming replication protocol (pg::ReplicationStream: a
// replication connection, START_REPLICATION ... LOGICAL with wal2json format-version 2 filtered
// to the table by "add-tables"). The run confirms to the server exactly the LSN of the state it
// was given: that state came back from the target after commit, so every change up to it is
// loaded, and the server may release the WAL before it. A crash at any point leaves the slot
// at or before the loaded position; the walsender of a killed run ends as soon as its socket
// closes, so the next run finds the slot free (one that is still held after a few seconds by
// the same user is an orphan and is terminated, with a warning).
//
// Where the run ends: before streaming, it writes a logical decoding message with a token of
// its own (pg_logical_emit_message); the server sends it in commit order, so once it arrives
// every transaction committed before the run started has been seen.
//
// wal2json says which rows changed; the rows themselves are read from the table by key with
// the same SELECT as a full sync, so values have exactly the full-sync form. A key whose last
// change is a delete becomes a record of its key properties plus _sdc_deleted_at.
//
// First run (no LSN in the state): the slot is created when missing, its confirmed LSN is the
// start position, and the table is copied after that point (a resumable FULL_TABLE sync with
// ACTIVATE_VERSION whose states carry that LSN); changes committed meanwhile are replayed by
// the next run, which upserts them again.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <thread>

#include "chorus/pg/replication.h"
#include "chorus/plugin/errors.h"
#include "chorus/singer/timestamps.h"
#include "table_stream.h"

namespace chorus::tap_postgres {
namespace {

// How long a slot held by another backend is waited for before that backend, when it belongs
// to the same user, is taken for an orphan of a killed run and terminated.
constexpr auto kSlotWait = std::chrono::seconds(5);
constexpr auto kSlotPoll = std::chrono::milliseconds(100);
// A STATE at the next commit after this long even with fewer than state_every changed keys:
// a run that is killed again and again still moves forward, and the slot's WAL is released.
constexpr auto kStateInterval = std::chrono::seconds(2);

// wal2json's add-tables wants '.', ',', ' ', '\'' and '*' escaped with a backslash.
std::string wal2json_name(const std::string &name) {
  std::string out;
  for (char c : name) {
    if (c == '.' || c == ',' || c == ' ' || c == '\'' || c == '*' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

struct SlotInfo {
  bool exists = false;
  std::string confirmed_lsn;
  long long retained_bytes = 0;
};

SlotInfo read_slot(pg::Connection &connection, const std::string &slot) {
  auto rows = connection.query(
      "SELECT confirmed_flush_lsn::text, (pg_current_wal_lsn() - restart_lsn)::bigint, plugin "
      "FROM pg_replication_slots WHERE slot_name = " +
      connection.literal(slot) + " AND database = current_database()");
  SlotInfo info;
  if (rows.empty()) return info;
  info.exists = true;
  info.confirmed_lsn = rows[0][0].value_or("0/0");
  info.retained_bytes = rows[0][1] ? std::stoll(*rows[0][1]) : 0;
  return info;
}

// Returns once no backend holds `slot`. A holder of the same user that is still there after
// kSlotWait is terminated; one of another user is an error (another pipeline reads the slot).
void wait_for_slot(pg::Connection &connection, const std::string &slot, const std::string &stream,
                   const PluginContext &context) {
  auto deadline = std::chrono::steady_clock::now() + kSlotWait;
  bool terminated = false;
  while (true) {
    auto rows = connection.query(
        "SELECT s.active_pid::text, a.usename = current_user, a.application_name "
        "FROM pg_replication_slots s LEFT JOIN pg_stat_activity a ON a.pid = s.active_pid "
        "WHERE s.slot_name = " +
        connection.literal(slot) + " AND s.active_pid IS NOT NULL");
    if (rows.empty()) return;
    if (std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(kSlotPoll);
      continue;
    }
    const std::string pid = rows[0][0].value_or("?");
    if (rows[0][1].value_or("f") != "t" || terminated) {
      throw FatalError("tap-postgres: stream '" + stream + "': replication slot '" + slot +
                       "' is in use by server process " + pid + " (application '" +
                       rows[0][2].value_or("") +
                       "'): another pipeline reads it. Give each pipeline its own "
                       "replication_slot");
    }
    context.warn("tap-postgres: stream '" + stream + "': replication slot '" + slot +
                 "' is still held by server process " + pid +
                 ", left by an earlier run of this user that was killed; terminating it");
    connection.query("SELECT pg_terminate_backend(" + pid + ")");
    terminated = true;
    deadline = std::chrono::steady_clock::now() + kSlotWait;
  }
}

// One change to one key: its key values (wal2json JSON values, in key order) and whether the
// row is gone.
struct KeyChange {
  std::vector<nlohmann::json> key;
  bool deleted = false;
};

}  // namespace

void TableStream::sync_log_based(pg::Connection &connection, StreamSync &sync) {
  const std::string &slot = options_.replication_slot;
  if (table_.primary_key.empty()) {
    throw ConfigError("tap-postgres: stream '" + name() +
                      "': LOG_BASED needs a primary key to apply changes by key; use "
                      "INCREMENTAL or FULL_TABLE for this table");
  }
  nlohmann::json bookmark =
      sync.bookmark().is_object() ? sync.bookmark() : nlohmann::json::object();
  SlotInfo info = read_slot(connection, slot);

  // The initial copy, or the rest of one that an earlier run did not finish.
  if (!bookmark.contains("lsn") || full_table_in_progress(bookmark)) {
    if (!info.exists) {
      sync.context().info("tap-postgres: creating logical replication slot '" + slot +
                          "' (wal2json)");
      connection.query("SELECT lsn::text FROM pg_create_logical_replication_slot(" +
                       connection.literal(slot) + ", 'wal2json')");
      info = read_slot(connection, slot);
      // Changes to rows already copied before the slot existed are in no log: copy them again.
      if (bookmark.contains("last_pk_fetched")) bookmark["last_pk_fetched"] = nullptr;
      bookmark["lsn"] = info.confirmed_lsn;
    } else if (!bookmark.contains("lsn")) {
      bookmark["lsn"] = info.confirmed_lsn;
    }
    sync_full_table(connection, sync, bookmark);
    return;
  }

  const std::string state_lsn = bookmark["lsn"].get<std::string>();
  if (!info.exists) {
    throw FatalError("tap-postgres: stream '" + name() + "': replication slot '" + slot +
                     "' does not exist, so the changes after LSN " + state_lsn +
                     " cannot be read. Run once with --full-refresh: it recreates the slot "
                     "and copies the table again");
  }
  const std::uint64_t bookmark_position = pg::parse_lsn(state_lsn);
  if (pg::parse_lsn(info.confirmed_lsn) > bookmark_position) {
    throw FatalError("tap-postgres: stream '" + name() + "': replication slot '" + slot +
                     "' is at LSN " + info.confirmed_lsn + ", past this stream's state (" +
                     state_lsn +
                     "): something else consumed it, and changes in between may be lost. Give "
                     "each pipeline its own replication_slot and run with --full-refresh");
  }
  if (info.retained_bytes > (1LL << 30)) {
    sync.context().warn("tap-postgres: replication slot '" + slot + "' retains " +
                        std::to_string(info.retained_bytes >> 20) +
                        " MiB of WAL; run this pipeline more often or drop the slot if it is "
                        "no longer used");
  }

  std::vector<const ColumnType *> columns;
  std::string select = "SELECT " + select_list(sync, columns) + " FROM " + table_.qualified_name();
  const std::vector<const ColumnType *> keys = key_columns();
  std::string key_tuple;
  for (const auto *column : keys) {
    key_tuple += (key_tuple.empty() ? "" : ", ") + quote_name(column->name);
  }

  std::uint64_t committed = bookmark_position;
  std::uint64_t stated = bookmark_position;  // the LSN of the last STATE
  auto last_state = std::chrono::steady_clock::now();
  std::vector<KeyChange> transaction;        // changes of the open transaction
  std::map<std::string, KeyChange> pending;  // last change per key, across transactions
  const std::string deleted_at = singer::utc_now_rfc3339();
  const std::string stream = name();

  auto key_of = [&](const nlohmann::json &values) {
    KeyChange change;
    for (const auto *column : keys) {
      nlohmann::json value;
      for (const auto &entry : values) {
        if (entry.value("name", "") == column->name) value = entry.value("value", nlohmann::json());
      }
      change.key.push_back(value);
    }
    return change;
  };
  // Writes the pending changes (deletes as key + _sdc_deleted_at, the rest read from the table
  // by key), then a STATE at the last commit they include.
  auto flush = [&] {
    std::string upsert_keys;
    for (const auto &[text, change] : pending) {
      if (change.deleted) {
        sync.out().begin_record(stream);
        for (std::size_t i = 0; i < keys.size(); ++i) {
          const nlohmann::json &value = change.key[i];
          if (value.is_string()) {
            sync.out().add_string(keys[i]->name, value.get<std::string>());
          } else {
            sync.out().add_raw_json(keys[i]->name, value.dump());
          }
        }
        sync.out().add_string("_sdc_deleted_at", deleted_at);
        sync.out().end_record(deleted_at);
        sync.count_record();
        continue;
      }
      std::string tuple;
      for (std::size_t i = 0; i < keys.size(); ++i) {
        const nlohmann::json &value = change.key[i];
        std::string literal = value.is_string() ? value.get<std::string>() : value.dump();
        tuple +=
            (tuple.empty() ? "" : ", ") + connection.literal(literal) + "::" + keys[i]->sql_type;
      }
      upsert_keys += (upsert_keys.empty() ? "(" : ", (") + tuple + ")";
    }
    if (!upsert_keys.empty()) {
      copy_records(connection, sync, select + " WHERE (" + key_tuple + ") IN (" + upsert_keys + ")",
                   columns, std::nullopt, nullptr);
    }
    pending.clear();
    bookmark["lsn"] = pg::format_lsn(committed);
    sync.set_bookmark(bookmark);
    sync.emit_state();
    stated = committed;
    last_state = std::chrono::steady_clock::now();
  };

  // The end of this run's read: a message only this run writes.
  const std::string token =
      "end of read " + std::to_string(::getpid()) + " " + singer::utc_now_rfc3339() + " " + stream;
  connection.query("SELECT pg_logical_emit_message(true, 'chorus', " + connection.literal(token) +
                   ")::text");

  std::unique_ptr<pg::ReplicationStream> feed;
  const std::string tables = wal2json_name(table_.schema) + "." + wal2json_name(table_.name);
  for (int attempt = 1;; ++attempt) {
    wait_for_slot(connection, slot, stream, sync.context());
    try {
      feed = options_.connect_replication();
      feed->start(slot, bookmark_position, {{"format-version", "2"}, {"add-tables", tables}});
      break;
    } catch (const pg::SlotInUse &) {
      // Taken between the check and the start (an orphan's last moment): check again.
      if (attempt == 3) throw;
    }
  }
  // Proven loaded: this state came back from the target after commit.
  feed->confirm(bookmark_position);

  while (true) {
    pg::ReplicationStream::Change message = feed->next();
    nlohmann::json change = nlohmann::json::parse(message.data);
    const std::string action = change.value("action", "");
    if (action == "B") {
      transaction.clear();
    } else if (action == "I" || action == "U") {
      KeyChange now = key_of(change.value("columns", nlohmann::json::array()));
      if (action == "U" && change.contains("identity")) {
        KeyChange before = key_of(change["identity"]);
        if (before.key != now.key) {
          before.deleted = true;
          transaction.push_back(before);
        }
      }
      transaction.push_back(now);
    } else if (action == "D") {
      KeyChange gone = key_of(change.value("identity", nlohmann::json::array()));
      gone.deleted = true;
      transaction.push_back(gone);
    } else if (action == "C") {
      // Transactions at or before the state's position were loaded by an earlier run.
      if (message.lsn > bookmark_position) {
        for (auto &item : transaction) {
          std::string text = nlohmann::json(item.key).dump();
          pending[text] = std::move(item);
        }
        committed = std::max(committed, message.lsn);
      }
      transaction.clear();
      if (pending.size() >= options_.state_every ||
          (committed > stated && std::chrono::steady_clock::now() - last_state >= kStateInterval)) {
        flush();
      }
      sync.check_stop();
    } else if (action == "M" && change.value("prefix", "") == "chorus" &&
               change.value("content", "") == token) {
      // Everything committed before the message was seen; the next run starts after it, so
      // the WAL of other tables' transactions is released too.
      committed = std::max(committed, message.lsn);
      break;
    }
  }
  flush();
}

}  // namespace chorus::tap_postgres
