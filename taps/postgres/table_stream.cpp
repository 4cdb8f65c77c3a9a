#include "table_stream.h"

#include <chrono>
#include <ctime>

#include "chorus/pg/copy_text.h"
#include "chorus/plugin/errors.h"
#include "chorus/singer/timestamps.h"

namespace chorus::tap_postgres {
namespace {

bool orderable(const ColumnType &column) {
  const std::string &t = column.type_name;
  return t == "int2" || t == "int4" || t == "int8" || t == "numeric" || t == "date" ||
         t == "timestamp" || t == "timestamptz" || t == "float4" || t == "float8";
}

// A key value as a bookmark keeps it: timestamps in RFC 3339, as the records carry them.
std::string bookmark_text(const ColumnType &column, std::string_view text) {
  if (column.json_kind() != JsonKind::Timestamp) return std::string(text);
  std::string buffer;
  return std::string(rfc3339_from_iso_datestyle(text, buffer));
}

}  // namespace

TableStream::TableStream(TableInfo table, const SyncOptions &options,
                         const nlohmann::json &replication)
    : table_(std::move(table)), options_(options) {
  if (replication.is_object()) {
    if (replication.contains("method")) {
      method_ = parse_replication_method(replication["method"].get<std::string>());
    }
    configured_key_ = replication.value("replication_key", "");
  }
}

nlohmann::json TableStream::schema() const {
  nlohmann::json properties = nlohmann::json::object();
  for (const auto &column : table_.columns) properties[column.name] = column.json_schema();
  return {{"type", "object"}, {"properties", properties}};
}

std::vector<std::string> TableStream::replication_keys() const {
  std::vector<std::string> keys;
  if (!configured_key_.empty()) keys.push_back(configured_key_);
  for (const auto &column : table_.columns) {
    if (orderable(column) && column.name != configured_key_) keys.push_back(column.name);
  }
  return keys;
}

nlohmann::json TableStream::stream_metadata() const {
  return {{"schema-name", table_.schema},
          {"table-name", table_.name},
          {"is-view", table_.is_view},
          {"row-count", table_.row_estimate < 0 ? 0 : table_.row_estimate}};
}

nlohmann::json TableStream::property_metadata() const {
  nlohmann::json metadata = nlohmann::json::object();
  for (const auto &column : table_.columns) {
    metadata[column.name] = {{"sql-datatype", column.sql_type}};
  }
  return metadata;
}

std::string TableStream::select_list(const StreamSync &sync,
                                     std::vector<const ColumnType *> &columns) const {
  std::string list;
  for (const auto &column : table_.columns) {
    if (!sync.property_selected(column.name)) continue;
    if (!list.empty()) list += ", ";
    list += column.select_expression();
    columns.push_back(&column);
  }
  if (list.empty()) {
    throw ConfigError("tap-postgres: stream '" + name() +
                      "': no property is selected; select at least one in the catalog");
  }
  return list;
}

void TableStream::copy_records(
    pg::Connection &connection, StreamSync &sync, const std::string &query,
    const std::vector<const ColumnType *> &columns, std::optional<std::int64_t> version,
    const std::function<void(const std::vector<std::optional<std::string_view>> &)> &on_row) {
  std::string extracted_at = singer::utc_now_rfc3339();
  std::string stream = name();
  pg::CopyLineParser parser;
  std::vector<JsonKind> kinds;
  for (const auto *column : columns) kinds.push_back(column->json_kind());
  std::vector<std::uint64_t> non_finite(columns.size(), 0);
  singer::MessageWriter &out = sync.out();
  sync.context().debug("tap-postgres: stream '" + stream + "' reads: " + query);
  connection.copy_out("(" + query + ")", [&](std::string_view line) {
    const auto &fields = parser.parse(line);
    out.begin_record(stream);
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (!fields[i]) {
        out.add_null(columns[i]->name);
      } else if (kinds[i] == JsonKind::Number && !is_finite_number_text(*fields[i])) {
        // NaN and +-Infinity have no JSON number form: null, said once per column.
        if (non_finite[i]++ == 0) {
          sync.context().warn("tap-postgres: stream '" + stream + "', column '" + columns[i]->name +
                              "': value " + std::string(*fields[i]) +
                              " has no JSON number form and is written as null (each such "
                              "value is; the count follows at the end of the stream)");
        }
        out.add_null(columns[i]->name);
      } else {
        add_value(out, columns[i]->name, kinds[i], *fields[i]);
      }
    }
    if (version) {
      out.end_record(extracted_at, *version);
    } else {
      out.end_record(extracted_at);
    }
    if (on_row) on_row(fields);
    sync.count_record();
  });
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (non_finite[i] == 0) continue;
    sync.context().warn("tap-postgres: stream '" + stream + "', column '" + columns[i]->name +
                        "': " + std::to_string(non_finite[i]) +
                        " NaN or Infinity values were written as null");
  }
}

std::vector<const ColumnType *> TableStream::key_columns() const {
  std::vector<const ColumnType *> keys;
  for (const auto &key : table_.primary_key) {
    for (const auto &column : table_.columns) {
      if (column.name == key) keys.push_back(&column);
    }
  }
  return keys;
}

std::string TableStream::column_ref(const ColumnType &column) const {
  // Qualified: the SELECT list aliases a converted column under the same name.
  return table_.qualified_name() + "." + quote_name(column.name);
}

void TableStream::sync(StreamSync &sync) {
  nlohmann::json schema_doc = schema();
  for (auto it = schema_doc["properties"].begin(); it != schema_doc["properties"].end();) {
    it = sync.property_selected(it.key()) ? std::next(it) : schema_doc["properties"].erase(it);
  }
  if (sync.replication_method() == ReplicationMethod::LogBased) {
    schema_doc["properties"]["_sdc_deleted_at"] = {{"type", {"null", "string"}},
                                                   {"format", "date-time"}};
  }
  std::vector<std::string> bookmark_properties;
  if (sync.replication_method() == ReplicationMethod::Incremental) {
    bookmark_properties.push_back(sync.replication_key());
  }
  std::vector<std::string> column_order;
  for (const auto &column : table_.columns) column_order.push_back(column.name);
  column_order.push_back("_sdc_deleted_at");  // LOG_BASED only; skipped when absent
  sync.out().write_schema(name(), schema_doc, table_.primary_key, bookmark_properties,
                          column_order);

  std::unique_ptr<pg::Connection> connection = options_.connect();
  connection->execute(
      "SET TIME ZONE 'UTC'; SET intervalstyle = 'iso_8601'; "
      "SET datestyle = 'ISO, YMD'");
  switch (sync.replication_method()) {
    case ReplicationMethod::FullTable:
      sync_full_table(*connection, sync, sync.bookmark());
      break;
    case ReplicationMethod::Incremental:
      sync_incremental(*connection, sync);
      break;
    case ReplicationMethod::LogBased:
      sync_log_based(*connection, sync);
      break;
  }
}

bool TableStream::copy_in_progress(const nlohmann::json &bookmark) {
  return bookmark.is_object() && bookmark.contains("last_pk_fetched") &&
         !bookmark["last_pk_fetched"].is_null();
}

// Resumable: with a primary key the rows come in key order and every state_every rows a STATE
// carries {"version", "last_pk_fetched": {key: value}}; a resumed run reads the rows after that
// key under the same version, so the target's clean-up of older versions (ACTIVATE_VERSION)
// runs once, after the whole table arrived. A table without a primary key (a view) has no
// order to resume in: it starts again from its first row under a new version, which makes
// the target drop the rows of the interrupted attempt.
void TableStream::sync_full_table(pg::Connection &connection, StreamSync &sync,
                                  nlohmann::json bookmark) {
  if (!bookmark.is_object()) bookmark = nlohmann::json::object();
  const std::vector<const ColumnType *> keys = key_columns();
  std::vector<const ColumnType *> columns;
  std::string query = "SELECT " + select_list(sync, columns);
  std::string order;
  for (const auto *key : keys) {
    query += ", " + column_ref(*key) + "::text";
    order += (order.empty() ? "" : ", ") + column_ref(*key);
  }
  query += " FROM " + table_.qualified_name();

  bool resuming = false;
  if (copy_in_progress(bookmark)) {
    const nlohmann::json &last = bookmark["last_pk_fetched"];
    resuming = !keys.empty() && last.is_object() && last.size() == keys.size() &&
               bookmark.contains("version") && bookmark["version"].is_number_integer();
    std::string values;
    for (const auto *key : keys) {
      if (!resuming || !last.contains(key->name) || !last[key->name].is_string()) {
        resuming = false;
        break;
      }
      values += (values.empty() ? "" : ", ") +
                connection.literal(last[key->name].get<std::string>()) + "::" + key->sql_type;
    }
    if (resuming) {
      query += " WHERE (" + order + ") > (" + values + ")";
      sync.context().info("tap-postgres: stream '" + name() +
                          "': resuming the full-table sync after key " + last.dump());
    } else {
      sync.context().warn("tap-postgres: stream '" + name() + "': the state's last_pk_fetched " +
                          last.dump() + " does not match the primary key " +
                          nlohmann::json(table_.primary_key).dump() +
                          "; the full-table sync starts again from the first row");
    }
  }
  if (!order.empty()) query += " ORDER BY " + order;

  std::int64_t version = resuming ? bookmark["version"].get<std::int64_t>()
                                  : std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count();
  // The first ever load makes the (empty) table visible at once; later loads keep serving the
  // old version until the new one is complete.
  if (!bookmark.contains("version")) sync.out().write_activate_version(name(), version);
  bookmark["version"] = version;

  std::uint64_t since_state = 0;
  std::function<void(const std::vector<std::optional<std::string_view>> &)> on_row;
  if (!keys.empty()) {
    on_row = [&](const std::vector<std::optional<std::string_view>> &fields) {
      if (++since_state < options_.state_every) return;
      since_state = 0;
      nlohmann::json last = nlohmann::json::object();
      for (std::size_t i = 0; i < keys.size(); ++i) {
        last[keys[i]->name] = bookmark_text(*keys[i], *fields[columns.size() + i]);
      }
      bookmark["last_pk_fetched"] = std::move(last);
      sync.set_bookmark(bookmark);
      sync.emit_state();
    };
  }
  copy_records(connection, sync, query, columns, version, on_row);
  sync.out().write_activate_version(name(), version);
  // Null rather than absent: the host (like Meltano) merges a stream's new bookmark into the
  // stored one key by key, so a key left out would keep its old value.
  if (bookmark.contains("last_pk_fetched")) bookmark["last_pk_fetched"] = nullptr;
  sync.set_bookmark(bookmark);
  sync.emit_state();
}

// Rows whose replication key is NULL are read first and only when there is no bookmark (they
// can never be "after" one); the rest come in key order through an ordinary ascending index,
// which `ORDER BY key NULLS FIRST` could not use.
void TableStream::sync_incremental(pg::Connection &connection, StreamSync &sync) {
  const std::string &key = sync.replication_key();
  const ColumnType *key_column = nullptr;
  for (const auto &column : table_.columns) {
    if (column.name == key) key_column = &column;
  }
  if (key.empty() || !key_column || !orderable(*key_column)) {
    throw ConfigError("tap-postgres: stream '" + name() +
                      "': INCREMENTAL needs a replication key among " +
                      nlohmann::json(replication_keys()).dump() +
                      "; set \"replication-key\" in the catalog metadata");
  }
  std::vector<const ColumnType *> columns;
  std::string key_ref = column_ref(*key_column);
  std::string query = "SELECT " + select_list(sync, columns) + ", " + key_ref + "::text FROM " +
                      table_.qualified_name();
  const nlohmann::json &bookmark = sync.bookmark();
  if (bookmark.is_object() && bookmark.value("replication_key", "") == key &&
      bookmark.contains("replication_key_value")) {
    // ">=": rows equal to the bookmark are read again, so rows sharing the last value that
    // were not yet loaded when the run stopped are never skipped. The value is RFC 3339 for
    // timestamps; PostgreSQL reads that and the older "2026-05-01 01:39:00+00" form alike.
    query += " WHERE " + key_ref +
             " >= " + connection.literal(bookmark["replication_key_value"].get<std::string>()) +
             "::" + key_column->sql_type;
  } else {
    copy_records(connection, sync, query + " WHERE " + key_ref + " IS NULL", columns, std::nullopt,
                 nullptr);
    query += " WHERE " + key_ref + " IS NOT NULL";
  }
  query += " ORDER BY " + key_ref;

  std::optional<std::string> last_value;
  std::uint64_t since_state = 0;
  auto save = [&] {
    if (!last_value) return;
    sync.set_bookmark({{"replication_key", key}, {"replication_key_value", *last_value}});
    sync.emit_state();
  };
  copy_records(connection, sync, query, columns, std::nullopt,
               [&](const std::vector<std::optional<std::string_view>> &fields) {
                 last_value = bookmark_text(*key_column, *fields[columns.size()]);
                 if (++since_state >= options_.state_every) {
                   save();
                   since_state = 0;
                 }
               });
  save();
}

}  // namespace chorus::tap_postgres
