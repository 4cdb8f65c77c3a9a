// LOG_BASED replication through a wal2json logical replication slot.
//
// Choice: the slot is read with pg_logical_slot_peek_changes (wal2json format-version 2,
// filtered to the table with "add-tables") inside COPY ... TO STDOUT, so changes stream to the
// tap without a replication-protocol connection, and the slot is moved only with
// pg_replication_slot_advance up to the LSN in the state this run was given: that state came
// back from the target, so every change up to it is loaded. A crash at any point leaves the
// slot at or before the loaded position.
//
// wal2json says which rows changed; the rows themselves are read from the table by key with
// the same SELECT as a full sync, so values have exactly the full-sync form. A key whose last
// change is a delete becomes a record of its key properties plus _sdc_deleted_at.
//
// First run (no LSN in the state): the slot is created when missing, its confirmed LSN is the
// start position, and the table is copied after that point (FULL_TABLE with ACTIVATE_VERSION);
// changes committed meanwhile are replayed by the next run, which upserts them again.
#include <map>

#include "chorus/pg/copy_text.h"
#include "chorus/plugin/errors.h"
#include "chorus/singer/timestamps.h"
#include "table_stream.h"

namespace chorus::tap_postgres {
namespace {

// "16/B374D848" -> 64-bit position.
std::uint64_t parse_lsn(const std::string &text) {
  auto slash = text.find('/');
  if (slash == std::string::npos) return 0;
  return (std::stoull(text.substr(0, slash), nullptr, 16) << 32) |
         std::stoull(text.substr(slash + 1), nullptr, 16);
}

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
  const nlohmann::json &bookmark = sync.bookmark();
  SlotInfo info = read_slot(connection, slot);

  if (!bookmark.is_object() || !bookmark.contains("lsn")) {
    if (!info.exists) {
      sync.context().info("tap-postgres: creating logical replication slot '" + slot +
                          "' (wal2json)");
      connection.query("SELECT lsn::text FROM pg_create_logical_replication_slot(" +
                       connection.literal(slot) + ", 'wal2json')");
      info = read_slot(connection, slot);
    }
    std::string start_lsn = info.confirmed_lsn;
    sync_full_table(connection, sync, bookmark);
    nlohmann::json next = sync.bookmark();
    if (!next.is_object()) next = nlohmann::json::object();
    next["lsn"] = start_lsn;
    sync.set_bookmark(next);
    sync.emit_state();
    return;
  }

  std::string state_lsn = bookmark["lsn"].get<std::string>();
  if (!info.exists) {
    throw FatalError("tap-postgres: stream '" + name() + "': replication slot '" + slot +
                     "' does not exist, so the changes after LSN " + state_lsn +
                     " cannot be read. Run once with --full-refresh: it recreates the slot "
                     "and copies the table again");
  }
  if (parse_lsn(info.confirmed_lsn) > parse_lsn(state_lsn)) {
    throw FatalError("tap-postgres: stream '" + name() + "': replication slot '" + slot +
                     "' is at LSN " + info.confirmed_lsn + ", past this stream's state (" +
                     state_lsn +
                     "): something else consumed it, and changes in between may be lost. Give "
                     "each pipeline its own replication_slot and run with --full-refresh");
  }
  if (parse_lsn(state_lsn) > parse_lsn(info.confirmed_lsn)) {
    // Proven loaded: this state came back from the target after commit.
    connection.query("SELECT pg_replication_slot_advance(" + connection.literal(slot) + ", " +
                     connection.literal(state_lsn) + "::pg_lsn)");
  }
  if (info.retained_bytes > (1LL << 30)) {
    sync.context().warn("tap-postgres: replication slot '" + slot + "' retains " +
                        std::to_string(info.retained_bytes >> 20) +
                        " MiB of WAL; run this pipeline more often or drop the slot if it is "
                        "no longer used");
  }

  std::vector<const ColumnType *> columns;
  std::string select = "SELECT " + select_list(sync, columns) + " FROM " + table_.qualified_name();
  std::vector<const ColumnType *> key_columns;
  for (const auto &key : table_.primary_key) {
    for (const auto &column : table_.columns) {
      if (column.name == key) key_columns.push_back(&column);
    }
  }
  std::string key_tuple;
  for (const auto *column : key_columns) {
    key_tuple += (key_tuple.empty() ? "" : ", ") + quote_name(column->name);
  }

  std::uint64_t bookmark_position = parse_lsn(state_lsn);
  std::string committed_lsn = state_lsn;
  std::vector<KeyChange> transaction;        // changes of the open transaction
  std::map<std::string, KeyChange> pending;  // last change per key, across transactions
  const std::string deleted_at = singer::utc_now_rfc3339();
  std::string stream = name();

  auto key_of = [&](const nlohmann::json &values) {
    KeyChange change;
    for (const auto *column : key_columns) {
      nlohmann::json value;
      for (const auto &entry : values) {
        if (entry.value("name", "") == column->name) value = entry.value("value", nlohmann::json());
      }
      change.key.push_back(value);
    }
    return change;
  };
  auto flush = [&](pg::Connection &reader) {
    std::string upsert_keys;
    for (const auto &[text, change] : pending) {
      if (change.deleted) {
        sync.out().begin_record(stream);
        for (std::size_t i = 0; i < key_columns.size(); ++i) {
          const nlohmann::json &value = change.key[i];
          if (value.is_string()) {
            sync.out().add_string(key_columns[i]->name, value.get<std::string>());
          } else {
            sync.out().add_raw_json(key_columns[i]->name, value.dump());
          }
        }
        sync.out().add_string("_sdc_deleted_at", deleted_at);
        sync.out().end_record(deleted_at);
        sync.count_record();
        continue;
      }
      std::string tuple;
      for (std::size_t i = 0; i < key_columns.size(); ++i) {
        const nlohmann::json &value = change.key[i];
        std::string literal = value.is_string() ? value.get<std::string>() : value.dump();
        tuple +=
            (tuple.empty() ? "" : ", ") + reader.literal(literal) + "::" + key_columns[i]->sql_type;
      }
      upsert_keys += (upsert_keys.empty() ? "(" : ", (") + tuple + ")";
    }
    if (!upsert_keys.empty()) {
      copy_records(reader, sync, select + " WHERE (" + key_tuple + ") IN (" + upsert_keys + ")",
                   columns, std::nullopt, nullptr);
    }
    pending.clear();
    nlohmann::json next = sync.bookmark();
    next["lsn"] = committed_lsn;
    sync.set_bookmark(next);
    sync.emit_state();
  };

  // The rows are read on a second connection: the first is busy streaming the COPY.
  std::unique_ptr<pg::Connection> reader = options_.connect();
  reader->execute(
      "SET TIME ZONE 'UTC'; SET intervalstyle = 'iso_8601'; "
      "SET datestyle = 'ISO, YMD'");
  pg::CopyLineParser parser;
  std::string tables = wal2json_name(table_.schema) + "." + wal2json_name(table_.name);
  connection.copy_out(
      "(SELECT lsn::text, data FROM pg_logical_slot_peek_changes(" + connection.literal(slot) +
          ", NULL, NULL, 'format-version', '2', 'add-tables', " + connection.literal(tables) + "))",
      [&](std::string_view line) {
        const auto &fields = parser.parse(line);
        if (fields.size() < 2 || !fields[0] || !fields[1]) return;
        std::string lsn(*fields[0]);
        nlohmann::json change = nlohmann::json::parse(*fields[1]);
        std::string action = change.value("action", "");
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
          if (parse_lsn(lsn) > bookmark_position) {
            for (auto &item : transaction) {
              std::string text = nlohmann::json(item.key).dump();
              pending[text] = std::move(item);
            }
            committed_lsn = lsn;
          }
          transaction.clear();
          if (pending.size() >= options_.state_every) flush(*reader);
        }
      });
  flush(*reader);
}

}  // namespace chorus::tap_postgres
