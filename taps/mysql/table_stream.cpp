#include "table_stream.h"

#include <chrono>

#include "chorus/plugin/errors.h"
#include "chorus/singer/timestamps.h"

namespace chorus::tap_mysql {

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
  const bool zero_as_null = options_.zero_dates == ZeroDates::Null;
  for (const auto &column : table_.columns) {
    properties[column.name] = column.json_schema(zero_as_null);
  }
  return {{"type", "object"}, {"properties", properties}};
}

std::vector<std::string> TableStream::property_order() const {
  std::vector<std::string> order;
  for (const auto &column : table_.columns) order.push_back(column.name);
  return order;
}

std::vector<std::string> TableStream::replication_keys() const {
  std::vector<std::string> keys;
  if (!configured_key_.empty()) keys.push_back(configured_key_);
  for (const auto &column : table_.columns) {
    if (column.orderable() && column.name != configured_key_) keys.push_back(column.name);
  }
  return keys;
}

nlohmann::json TableStream::stream_metadata() const {
  return {{"schema-name", table_.database},
          {"database-name", table_.database},
          {"table-name", table_.name},
          {"is-view", table_.is_view},
          {"row-count", table_.row_estimate}};
}

nlohmann::json TableStream::property_metadata() const {
  nlohmann::json metadata = nlohmann::json::object();
  for (const auto &column : table_.columns) {
    metadata[column.name] = {{"sql-datatype", column.column_type}};
  }
  return metadata;
}

std::vector<const ColumnType *> TableStream::selected_columns(const StreamSync &sync) const {
  std::vector<const ColumnType *> columns;
  for (const auto &column : table_.columns) {
    if (sync.property_selected(column.name)) columns.push_back(&column);
  }
  if (columns.empty()) {
    throw ConfigError("tap-mysql: stream '" + name() +
                      "': no property is selected; select at least one in the catalog");
  }
  return columns;
}

void TableStream::write_schema(StreamSync &sync) const {
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
  std::vector<std::string> column_order = property_order();
  column_order.push_back("_sdc_deleted_at");  // LOG_BASED only; skipped when absent
  sync.out().write_schema(name(), schema_doc, table_.primary_key, bookmark_properties,
                          column_order);
}

void TableStream::read_records(Connection &connection, StreamSync &sync, const std::string &query,
                               const std::vector<const ColumnType *> &columns,
                               std::optional<std::int64_t> version,
                               const std::function<void(const RowView &)> &on_row) {
  const std::string extracted_at = singer::utc_now_rfc3339();
  const std::string stream = name();
  ValueWriter values(stream, options_.zero_dates);
  singer::MessageWriter &out = sync.out();
  sync.context().debug("tap-mysql: stream '" + stream + "' reads: " + query);
  connection.stream(query, [&](const RowView &fields) {
    values.refuse_zero_dates(columns, fields, sync.records() + 1);
    out.begin_record(stream);
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (fields[i]) {
        values.write(out, *columns[i], *fields[i]);
      } else {
        out.add_null(columns[i]->name);
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
  if (values.zero_dates_written_as_null() > 0) {
    sync.context().warn("tap-mysql: stream '" + stream +
                        "': " + std::to_string(values.zero_dates_written_as_null()) +
                        " zero dates were written as null (zero_dates: null)");
  }
}

namespace {

std::string select_list(const std::vector<const ColumnType *> &columns) {
  std::string list;
  for (const auto *column : columns) {
    std::string name = quote_name(column->name);
    // The server writes a FLOAT in 6 digits, fewer than it holds; as a DOUBLE it comes
    // exactly, and as the binary log has it.
    if (column->data_type == "float") name = "CAST(" + name + " AS DOUBLE) AS " + name;
    list += (list.empty() ? "" : ", ") + name;
  }
  return list;
}

// Where each key column is in `columns`.
std::vector<std::size_t> key_positions(const std::vector<const ColumnType *> &columns,
                                       const std::vector<std::string> &keys) {
  std::vector<std::size_t> positions;
  for (const auto &key : keys) {
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (columns[i]->name == key) positions.push_back(i);
    }
  }
  return positions;
}

}  // namespace

void TableStream::sync(StreamSync &sync) {
  write_schema(sync);
  std::unique_ptr<Connection> connection = options_.connect();
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

// Resumable as tap-postgres's: with a primary key the rows come in key order and every
// state_every rows a STATE carries {"version", "last_pk_fetched": {key: value}}; a resumed run
// reads the rows after that key under the same version, so the target's clean-up of older
// versions (ACTIVATE_VERSION) runs once, after the whole table arrived. Without a primary key
// (a view) it starts again from the first row under a new version.
void TableStream::sync_full_table(Connection &connection, StreamSync &sync,
                                  nlohmann::json bookmark) {
  if (!bookmark.is_object()) bookmark = nlohmann::json::object();
  const std::vector<const ColumnType *> columns = selected_columns(sync);
  const std::vector<std::size_t> keys = key_positions(columns, table_.primary_key);
  std::string query = "SELECT " + select_list(columns) + " FROM " + table_.qualified_name();
  std::string order;
  for (std::size_t key : keys)
    order += (order.empty() ? "" : ", ") + quote_name(columns[key]->name);

  bool resuming = false;
  if (copy_in_progress(bookmark)) {
    const nlohmann::json &last = bookmark["last_pk_fetched"];
    resuming = !keys.empty() && last.is_object() && last.size() == keys.size() &&
               bookmark.contains("version") && bookmark["version"].is_number_integer();
    for (std::size_t key : keys) {
      resuming =
          resuming && last.contains(columns[key]->name) && last[columns[key]->name].is_string();
    }
    if (resuming) {
      // (k1 > v1) OR (k1 = v1 AND k2 > v2) ...: the form MySQL turns into index ranges.
      auto literal = [&](std::string_view text) { return connection.literal(text); };
      std::string condition;
      std::string equal_prefix;
      for (std::size_t key : keys) {
        const ColumnType &column = *columns[key];
        const std::string value = sql_value(column, last[column.name].get<std::string>(), literal);
        condition += (condition.empty() ? "(" : " OR (") + equal_prefix + quote_name(column.name) +
                     " > " + value + ")";
        equal_prefix += quote_name(column.name) + " = " + value + " AND ";
      }
      query += " WHERE " + condition;
      sync.context().info("tap-mysql: stream '" + name() +
                          "': resuming the full-table sync after key " + last.dump());
    } else {
      sync.context().warn("tap-mysql: stream '" + name() + "': the state's last_pk_fetched " +
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
  std::function<void(const RowView &)> on_row;
  if (!keys.empty()) {
    on_row = [&](const RowView &fields) {
      if (++since_state < options_.state_every) return;
      since_state = 0;
      nlohmann::json last = nlohmann::json::object();
      for (std::size_t key : keys)
        last[columns[key]->name] = bookmark_text(*columns[key], *fields[key]);
      bookmark["last_pk_fetched"] = std::move(last);
      sync.set_bookmark(bookmark);
      sync.emit_state();
    };
  }
  read_records(connection, sync, query, columns, version, on_row);
  sync.out().write_activate_version(name(), version);
  // Null rather than absent: the host (like Meltano) merges a stream's new bookmark into the
  // stored one key by key, so a key left out would keep its old value.
  if (bookmark.contains("last_pk_fetched")) bookmark["last_pk_fetched"] = nullptr;
  sync.set_bookmark(bookmark);
  sync.emit_state();
}

// `WHERE key >= bookmark ORDER BY key`: an ordinary index on the key serves both. Rows whose
// key is NULL are read first and only without a bookmark (they are never "after" one).
void TableStream::sync_incremental(Connection &connection, StreamSync &sync) {
  const std::string &key = sync.replication_key();
  const ColumnType *key_column = nullptr;
  for (const auto &column : table_.columns) {
    if (column.name == key) key_column = &column;
  }
  if (key.empty() || !key_column || !key_column->orderable()) {
    throw ConfigError("tap-mysql: stream '" + name() +
                      "': INCREMENTAL needs a replication key among " +
                      nlohmann::json(replication_keys()).dump() +
                      "; set \"replication-key\" in the catalog metadata");
  }
  const std::vector<const ColumnType *> columns = selected_columns(sync);
  const std::size_t key_at = key_positions(columns, {key}).at(0);
  const std::string key_ref = quote_name(key);
  std::string query = "SELECT " + select_list(columns) + " FROM " + table_.qualified_name();
  const nlohmann::json &bookmark = sync.bookmark();
  if (bookmark.is_object() && bookmark.value("replication_key", "") == key &&
      bookmark.contains("replication_key_value")) {
    // ">=": rows equal to the bookmark are read again, so rows sharing the last value that
    // were not yet loaded when the run stopped are never skipped.
    auto literal = [&](std::string_view text) { return connection.literal(text); };
    query += " WHERE " + key_ref + " >= " +
             sql_value(*key_column, bookmark["replication_key_value"].get<std::string>(), literal);
  } else {
    read_records(connection, sync, query + " WHERE " + key_ref + " IS NULL", columns, std::nullopt,
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
  read_records(connection, sync, query, columns, std::nullopt, [&](const RowView &fields) {
    last_value = bookmark_text(*key_column, *fields[key_at]);
    if (++since_state >= options_.state_every) {
      save();
      since_state = 0;
    }
  });
  save();
}

}  // namespace chorus::tap_mysql
