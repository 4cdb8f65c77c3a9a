// LOG_BASED replication from the row-based binary log, read with MariaDB Connector/C's
// replication API (COM_BINLOG_DUMP as a replica with its own server_id).
//
// First run (no position in the state): a consistent snapshot and the binary log position of
// that snapshot are taken together (MariaDB: START TRANSACTION WITH CONSISTENT SNAPSHOT and its
// binlog_snapshot_file/_position; MySQL: the same under FLUSH TABLES WITH READ LOCK, with SHOW
// MASTER STATUS), and the table is copied from that snapshot (a resumable FULL_TABLE sync with
// ACTIVATE_VERSION whose states carry the position). A copy resumed by a later run reads a
// newer snapshot; the changes between the position and it are replayed afterwards, and the
// target upserts them again.
//
// Later runs read the log from the state's position to where it ended when the run started:
// every row event of the table in commit order, each one a RECORD (an update's row after the
// change; a delete's row before it, with _sdc_deleted_at). The position in a STATE is always
// the end of a committed transaction, so a resumed run never starts inside one.
//
// Positions: a state carries the binary log file and offset and, on MariaDB, the GTID position
// of the same point (the snapshot's from BINLOG_GTID_POS, then the GTID of each committed event
// group added to it). A run reads from the file and offset while that file is on the server at
// the same GTID position; when it is gone (purged, or another server after a failover) or is
// another log of the same name, it reads from the GTID position as a MariaDB replica does
// (@slave_connect_state, strict mode), and the file and offset are those of the server it
// reads from again once the first event group after it arrives.
//
// A schema change: an event from before columns were added at the end of the table has fewer
// columns than the table; its rows leave those out. When a TABLE_MAP event does not fit the
// columns otherwise, they are read again from information_schema and a new SCHEMA is written
// if they fit the event; if the table changed again since (the event fits neither), the run
// stops asking for a full refresh.
#include <mysql.h>
#include <mysqld_error.h>
// After mysql.h, which declares what it uses.
#include <mariadb_rpl.h>

#include <chrono>
#include <memory>

#include "chorus/plugin/errors.h"
#include "chorus/singer/timestamps.h"
#include "gtid_position.h"
#include "row_image.h"
#include "table_stream.h"

namespace chorus::tap_mysql {
namespace {

// A STATE at the next commit after this long even with fewer than state_every records: a run
// that is killed again and again still moves forward.
constexpr auto kStateInterval = std::chrono::seconds(2);

struct Position {
  std::string file;
  std::uint64_t offset = 0;
  bool operator<(const Position &other) const {
    return file != other.file ? file < other.file : offset < other.offset;
  }
};

void require_row_log(Connection &connection, const std::string &stream) {
  auto rows = connection.query("SELECT @@log_bin, @@binlog_format, @@binlog_row_image");
  const auto &row = rows.at(0);
  if (row[0].value_or("0") != "1" || row[1].value_or("") != "ROW" ||
      row[2].value_or("") != "FULL") {
    throw ConfigError("tap-mysql: stream '" + stream +
                      "': LOG_BASED needs the server's binary log on with binlog_format=ROW "
                      "and binlog_row_image=FULL (it has log_bin=" +
                      row[0].value_or("") + ", binlog_format=" + row[1].value_or("") +
                      ", binlog_row_image=" + row[2].value_or("") + ")");
  }
}

// Text columns must arrive as UTF-8 for the log's bytes to be written as they are.
void require_decodable_columns(const std::vector<ColumnType> &columns, const std::string &stream) {
  for (const auto &column : columns) {
    const bool text = column.kind == ValueKind::String || column.kind == ValueKind::Json;
    const std::string &cs = column.charset;
    const bool utf8 =
        cs.empty() || cs == "utf8mb4" || cs == "utf8mb3" || cs == "utf8" || cs == "ascii";
    const std::string &t = column.data_type;
    const bool known = t == "char" || t == "varchar" || t == "tinytext" || t == "text" ||
                       t == "mediumtext" || t == "longtext" || t == "json";
    if (text && (!utf8 || !known)) {
      throw ConfigError("tap-mysql: stream '" + stream + "', column '" + column.name + "' (" +
                        column.column_type + (cs.empty() ? "" : ", character set " + cs) +
                        "): LOG_BASED decodes text columns in utf8mb4, utf8mb3 or ascii only; "
                        "replicate this table FULL_TABLE or INCREMENTAL, or convert the column");
    }
  }
}

// The snapshot's position, in the transaction `connection` has just started.
Position snapshot_position(Connection &connection) {
  connection.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
  Position position;
  for (const auto &row : connection.query("SHOW STATUS LIKE 'binlog_snapshot_%'")) {
    if (row[0] == "Binlog_snapshot_file") position.file = row[1].value_or("");
    if (row[0] == "Binlog_snapshot_position") position.offset = std::stoull(row[1].value_or("0"));
  }
  if (!position.file.empty()) return position;
  // MySQL has no snapshot position: hold every commit while the snapshot starts.
  connection.execute("ROLLBACK");
  connection.execute("FLUSH TABLES WITH READ LOCK");
  connection.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
  auto rows = connection.query("SHOW MASTER STATUS");
  connection.execute("UNLOCK TABLES");
  if (rows.empty()) throw FatalError("tap-mysql: SHOW MASTER STATUS returned nothing");
  position.file = rows[0][0].value_or("");
  position.offset = std::stoull(rows[0][1].value_or("0"));
  return position;
}

// The GTID position of the point `position` of the binary log (MariaDB's BINLOG_GTID_POS);
// nullopt on MySQL, whose GTIDs are another kind, or when the server cannot say.
std::optional<GtidPosition> gtid_position_at(Connection &connection, const Position &position) {
  if (!mariadb_connection(connection.handle())) return std::nullopt;
  auto rows = connection.query("SELECT BINLOG_GTID_POS(" + connection.literal(position.file) +
                               ", " + std::to_string(position.offset) + ")");
  if (rows.empty() || !rows[0][0]) return std::nullopt;
  return GtidPosition::parse(*rows[0][0]);
}

// The state's position: file and offset, and the GTID position of the same point when known.
void store_position(nlohmann::json &bookmark, const Position &position,
                    const std::optional<GtidPosition> &gtid) {
  bookmark["log_file"] = position.file;
  bookmark["log_pos"] = position.offset;
  if (gtid) {
    bookmark["gtid"] = gtid->text();
  } else {
    bookmark.erase("gtid");
  }
}

// The replication handle, closed however the read ends.
struct RplHandle {
  MARIADB_RPL *rpl = nullptr;
  MARIADB_RPL_EVENT *event = nullptr;
  ~RplHandle() {
    if (event) mariadb_free_rpl_event(event);
    if (rpl) mariadb_rpl_close(rpl);
  }
};

// Where a ROTATE event says the log goes on: its file and offset, read from the event's bytes.
// (MariaDB Connector/C 3.3 decodes the rotations that come after the first event of a dump
// wrongly, the offset taken from the file name's first bytes.) Body: an 8-byte little-endian
// offset, then the file name up to the checksum.
Position rotate_target(const MARIADB_RPL_EVENT &event, bool checksummed,
                       const std::string &stream) {
  constexpr std::size_t kHeader = 19, kOffset = 8;
  const std::size_t checksum = checksummed ? 4 : 0;
  const std::size_t available =
      event.raw_data_size > event.raw_data_ofs ? event.raw_data_size - event.raw_data_ofs : 0;
  if (event.event_length > available || event.event_length < kHeader + kOffset + checksum) {
    throw FatalError("tap-mysql: stream '" + stream + "': a ROTATE event of " +
                     std::to_string(event.event_length) + " bytes does not fit its packet of " +
                     std::to_string(available));
  }
  const unsigned char *body = event.raw_data + event.raw_data_ofs + kHeader;
  Position next;
  for (std::size_t i = 0; i < kOffset; ++i) {
    next.offset |= static_cast<std::uint64_t>(body[i]) << (8 * i);
  }
  next.file.assign(reinterpret_cast<const char *>(body + kOffset),
                   event.event_length - kHeader - kOffset - checksum);
  return next;
}

bool is_rows_event(int type) {
  return type == WRITE_ROWS_EVENT_V1 || type == UPDATE_ROWS_EVENT_V1 ||
         type == DELETE_ROWS_EVENT_V1 || type == WRITE_ROWS_EVENT || type == UPDATE_ROWS_EVENT ||
         type == DELETE_ROWS_EVENT;
}

std::string rfc3339_of(std::uint32_t seconds) {
  std::string text = utc_text(seconds);
  text[10] = 'T';
  return text + "Z";
}

}  // namespace

void TableStream::sync_log_based(Connection &connection, StreamSync &sync) {
  if (table_.primary_key.empty()) {
    throw ConfigError("tap-mysql: stream '" + name() +
                      "': LOG_BASED needs a primary key to apply changes by key; use "
                      "INCREMENTAL or FULL_TABLE for this table");
  }
  require_row_log(connection, name());
  // Fails now, naming the privilege (BINLOG MONITOR / REPLICATION CLIENT), rather than after
  // an initial copy whose position could never be read from.
  connection.query("SHOW MASTER STATUS");
  require_decodable_columns(table_.columns, name());
  nlohmann::json bookmark =
      sync.bookmark().is_object() ? sync.bookmark() : nlohmann::json::object();

  // The initial copy, or the rest of one that an earlier run did not finish.
  if (!bookmark.contains("log_file") || full_table_in_progress(bookmark)) {
    const Position snapshot = snapshot_position(connection);
    if (!bookmark.contains("log_file")) {
      // Rows copied under another method's bookmark have no position to replay from.
      if (bookmark.contains("last_pk_fetched")) bookmark["last_pk_fetched"] = nullptr;
      store_position(bookmark, snapshot, gtid_position_at(connection, snapshot));
    }
    sync_full_table(connection, sync, bookmark);
    connection.execute("COMMIT");
    return;
  }

  Position position{bookmark["log_file"].get<std::string>(),
                    bookmark["log_pos"].get<std::uint64_t>()};
  std::optional<GtidPosition> gtid;
  if (bookmark.contains("gtid")) {
    const auto &text = bookmark["gtid"];
    if (text.is_string()) gtid = GtidPosition::parse(text.get<std::string>());
    if (!gtid) {
      throw FatalError("tap-mysql: stream '" + name() + "': the state's gtid " + text.dump() +
                       " is not a GTID position (domain-server-sequence, comma-separated); "
                       "run with --full-refresh");
    }
  }
  bool listed = false;
  for (const auto &row : connection.query("SHOW BINARY LOGS"))
    listed = listed || row[0] == position.file;
  // A file of that name holds the state's point only if the server's GTID position there is the
  // state's: after a failover to a server whose files are named alike, it is another log.
  // (BINLOG_GTID_POS reads the file up to the offset.)
  std::optional<GtidPosition> gtid_there;
  if (listed) gtid_there = gtid_position_at(connection, position);
  const bool same_log = listed && (!gtid || gtid_there == gtid);
  // Otherwise only a GTID position says where to go on; an empty one (no transaction before
  // it) cannot tell the server's purged transactions from none.
  const bool by_gtid = !same_log && gtid && !gtid->empty();
  if (!same_log && !by_gtid) {
    throw FatalError(
        "tap-mysql: stream '" + name() + "': the binary log " + position.file +
        (listed ? ":" + std::to_string(position.offset) + " of the state is at GTID position '" +
                      (gtid_there ? gtid_there->text() : std::string("unknown")) +
                      "' on this server, not the state's (another server's log?)"
                : " of the state has been purged from the server") +
        ", and the state has no GTID position to read from instead; the changes since are lost "
        "to LOG_BASED. Run with --full-refresh to copy the table again");
  }
  // A state written before GTID positions were kept: the server's for its file and offset.
  if (same_log && !gtid) gtid = gtid_there;
  const std::string why_gtid =
      listed ? "the binary log " + position.file + ":" + std::to_string(position.offset) +
                   " of the state is at another GTID position on this server (another "
                   "server's log?)"
             : "the binary log " + position.file + " of the state is not on the server";
  Position end;
  {
    auto rows = connection.query("SHOW MASTER STATUS");
    end.file = rows.at(0)[0].value_or("");
    end.offset = std::stoull(rows.at(0)[1].value_or("0"));
  }
  if (by_gtid) {
    if (gtid_position_at(connection, end) == gtid) {
      // Nothing was committed since: the same point, in this server's file and offset.
      sync.context().info("tap-mysql: stream '" + name() + "': " + why_gtid + "; GTID position " +
                          gtid->text() + " is the server's end, " + end.file + ":" +
                          std::to_string(end.offset));
      store_position(bookmark, end, gtid);
      sync.set_bookmark(bookmark);
      sync.emit_state();
      return;
    }
  } else if (!(position < end)) {
    return;  // nothing was committed since
  }

  // The replica announces that it reads checksummed events and MariaDB's event types.
  connection.execute(
      "SET @master_binlog_checksum = @@global.binlog_checksum, "
      "@mariadb_slave_capability = 4");
  const bool checksummed =
      connection.query("SELECT @@global.binlog_checksum").at(0)[0].value_or("NONE") != "NONE";
  if (by_gtid) {
    // The server starts after the state's GTID position, and refuses (strict mode) when its
    // log does not hold that position exactly: transactions it lacks, or others in its place.
    connection.execute("SET @slave_connect_state = " + connection.literal(gtid->text()) +
                       ", @slave_gtid_strict_mode = 1, @slave_gtid_ignore_duplicates = 0");
  }
  RplHandle handle;
  handle.rpl = mariadb_rpl_init(connection.handle());
  if (!handle.rpl)
    throw FatalError("tap-mysql: cannot start a binary log read: " + connection.last_error());
  // By GTID: no file name, and the first event's offset (the server finds the file).
  const std::string dump_file = by_gtid ? std::string() : position.file;
  const unsigned long dump_offset = by_gtid ? 4 : static_cast<unsigned long>(position.offset);
  mariadb_rpl_optionsv(handle.rpl, MARIADB_RPL_FILENAME, dump_file.c_str(), dump_file.size());
  mariadb_rpl_optionsv(handle.rpl, MARIADB_RPL_START, dump_offset);
  mariadb_rpl_optionsv(handle.rpl, MARIADB_RPL_SERVER_ID, options_.server_id);
  mariadb_rpl_optionsv(handle.rpl, MARIADB_RPL_FLAGS, MARIADB_RPL_BINLOG_DUMP_NON_BLOCK);
  const std::string start = by_gtid ? "GTID position " + gtid->text()
                                    : position.file + ":" + std::to_string(position.offset);
  if (mariadb_rpl_open(handle.rpl) != 0) {
    throw FatalError("tap-mysql: stream '" + name() + "': cannot read the binary log from " +
                     start + ": " + connection.last_error());
  }
  sync.context().info("tap-mysql: stream '" + name() + "': " + (by_gtid ? why_gtid + "; " : "") +
                      "reading the binary log from " + start + " to " + end.file + ":" +
                      std::to_string(end.offset));

  const std::string stream = name();
  ValueWriter values(stream, options_.zero_dates);
  std::unique_ptr<RowImageDecoder> decoder;
  std::uint64_t table_id = 0;
  bool have_table = false;
  std::vector<std::optional<std::string_view>> fields;
  std::string file = position.file;
  Position committed = position;
  Position stated = position;
  std::uint64_t since_state = 0;
  auto last_state = std::chrono::steady_clock::now();
  singer::MessageWriter &out = sync.out();

  std::vector<const ColumnType *> all_columns;
  auto refresh_columns = [&] {
    all_columns.clear();
    for (const auto &column : table_.columns) all_columns.push_back(&column);
  };
  refresh_columns();
  bool in_transaction = false;
  // Read by GTID, the file and offset are known at the first event group after the position
  // (the server skips those before it, but may send other events from before it first).
  bool located = !by_gtid;
  // The GTID of the event group being read: the position's once the group commits.
  struct Gtid {
    std::uint32_t domain = 0, server = 0;
    std::uint64_t sequence = 0;
  };
  std::optional<Gtid> group;
  // The read is past `position`, outside any transaction: a resumed run may start there. (The
  // events a dump begins with may carry older positions; the position never goes back.)
  auto passed = [&](const Position &next) {
    if (located && committed < next) committed = next;
  };
  auto commit = [&](std::uint32_t next) {
    in_transaction = false;
    if (gtid && group) gtid->commit(group->domain, group->server, group->sequence);
    group.reset();
    passed({file, next});
    if (since_state >= options_.state_every ||
        (stated < committed && std::chrono::steady_clock::now() - last_state >= kStateInterval)) {
      store_position(bookmark, committed, gtid);
      sync.set_bookmark(bookmark);
      sync.emit_state();
      stated = committed;
      since_state = 0;
      last_state = std::chrono::steady_clock::now();
    }
  };
  auto write_row = [&](const std::vector<std::optional<std::string_view>> &row,
                       const char *deleted_at) {
    values.refuse_zero_dates(all_columns, row, sync.records() + 1);
    out.begin_record(stream);
    // Columns added after the event are left out, not written as null: the row has a value
    // for them (their default) that the event does not carry.
    for (std::size_t i = 0; i < decoder->column_count(); ++i) {
      const ColumnType &column = table_.columns[i];
      if (!sync.property_selected(column.name)) continue;
      if (row[i]) {
        values.write(out, column, *row[i]);
      } else {
        out.add_null(column.name);
      }
    }
    if (deleted_at) {
      out.add_string("_sdc_deleted_at", deleted_at);
    } else {
      out.add_null("_sdc_deleted_at");
    }
    out.end_record(singer::utc_now_rfc3339());
    ++since_state;
    sync.count_record();
  };

  // Where the read is, for messages.
  auto read_so_far = [&] {
    return located ? committed.file + ":" + std::to_string(committed.offset) : start;
  };

  while ((handle.event = mariadb_rpl_fetch(handle.rpl, handle.event))) {
    sync.check_stop();
    MARIADB_RPL_EVENT &event = *handle.event;
    const int type = event.event_type;
    if (type == ROTATE_EVENT) {
      const Position next = rotate_target(event, checksummed, stream);
      file = next.file;
      if (!in_transaction) passed(next);
      continue;
    }
    if (type == GTID_EVENT) {
      in_transaction = true;  // MariaDB opens every event group with one (no BEGIN follows)
      group = Gtid{event.event.gtid.domain_id, event.server_id, event.event.gtid.sequence_nr};
      if (!located) {
        // The first group after the GTID position: the position is where this event starts.
        committed = stated = {file, event.next_event_pos - event.event_length};
        located = true;
      }
      continue;
    }
    if (type == TABLE_MAP_EVENT) {
      const auto &map = event.event.table_map;
      have_table = std::string_view(map.database.str, map.database.length) == table_.database &&
                   std::string_view(map.table.str, map.table.length) == table_.name;
      if (!have_table) continue;
      table_id = map.table_id;
      std::string_view types(map.column_types.str, map.column_types.length);
      std::string_view metadata(map.metadata.str, map.metadata.length);
      decoder = std::make_unique<RowImageDecoder>(types, metadata, table_.columns, stream);
      if (!decoder->matches()) {
        // The table changed: its current columns must describe this event.
        auto fresh = options_.connect();
        table_.columns = read_columns(*fresh, table_.database, table_.name);
        refresh_columns();
        require_decodable_columns(table_.columns, stream);
        decoder = std::make_unique<RowImageDecoder>(types, metadata, table_.columns, stream);
        if (!decoder->matches()) {
          throw FatalError("tap-mysql: stream '" + stream + "': the binary log at " + file + ":" +
                           std::to_string(event.next_event_pos) +
                           " has rows of an earlier shape of the table, which changed again "
                           "since; run with --full-refresh");
        }
        sync.context().info("tap-mysql: stream '" + stream +
                            "': the table's columns changed; writing a new SCHEMA");
        write_schema(sync);
      }
      continue;
    }
    if (is_rows_event(type)) {
      const auto &rows = event.event.rows;
      if (!have_table || rows.table_id != table_id || !decoder) continue;
      std::string_view data(static_cast<const char *>(rows.row_data), rows.row_data_size);
      const auto *present = rows.column_bitmap;
      const std::string deleted_at = rfc3339_of(event.timestamp);
      while (!data.empty()) {
        std::size_t used = decoder->decode(data, present, fields);
        data.remove_prefix(used);
        if (rows.type == UPDATE_ROWS) {
          // The row before the change, then after it: the record is the row after.
          used = decoder->decode(data, rows.column_update_bitmap, fields);
          data.remove_prefix(used);
          write_row(fields, nullptr);
        } else {
          write_row(fields, rows.type == DELETE_ROWS ? deleted_at.c_str() : nullptr);
        }
      }
      continue;
    }
    if (type == XID_EVENT) {
      commit(event.next_event_pos);
    } else if (type == QUERY_EVENT) {
      std::string_view statement(event.event.query.statement.str,
                                 event.event.query.statement.length);
      // BEGIN opens a transaction; anything else (COMMIT of a non-transactional engine, DDL)
      // ends one or stands alone.
      if (statement == "BEGIN") {
        in_transaction = true;
      } else {
        commit(event.next_event_pos);
      }
    } else if (!in_transaction && event.next_event_pos != 0) {
      // Between transactions (checkpoints, GTID lists, a new file's format description).
      passed({file, event.next_event_pos});
    }
    if (located && !(committed < end)) break;
  }
  if (!handle.event && mysql_errno(connection.handle()) != 0) {
    const unsigned code = mysql_errno(connection.handle());
    std::string message = "tap-mysql: stream '" + stream + "': reading the binary log after " +
                          read_so_far() + " failed: " + connection.last_error();
    if (code == ER_MASTER_FATAL_ERROR_READING_BINLOG) {
      message += by_gtid ? ". The server's binary log does not hold the state's GTID position " +
                               gtid->text() +
                               " (purged, or another history); run with "
                               "--full-refresh to copy the table again"
                         : ". If the log was purged, run with --full-refresh to copy the table "
                           "again";
    } else if (code == ER_SLAVE_SAME_ID) {
      message +=
          ". Another reader of this server's binary log connected under the same "
          "replica id (" +
          std::to_string(options_.server_id) +
          "); give each pipeline its own `server_id`, or leave it unset for a random one";
    }
    throw FatalError(message);
  }
  if (!located || committed < end) {
    // The log ended for this client before the end it had when the run started: an event
    // the client library does not parse ends its read. Stopping silently would stall here.
    throw FatalError("tap-mysql: stream '" + stream + "': the binary log read stopped at " +
                     read_so_far() + ", before " + end.file + ":" + std::to_string(end.offset) +
                     ", the end it had when the run started (an event MariaDB Connector/C "
                     "does not read?); the state stays at the last committed transaction");
  }
  if (values.zero_dates_written_as_null() > 0) {
    sync.context().warn("tap-mysql: stream '" + stream +
                        "': " + std::to_string(values.zero_dates_written_as_null()) +
                        " zero dates were written as null (zero_dates: null)");
  }
  store_position(bookmark, committed, gtid);
  sync.set_bookmark(bookmark);
  sync.emit_state();
}

}  // namespace chorus::tap_mysql
