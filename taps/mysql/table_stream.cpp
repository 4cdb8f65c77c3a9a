#include "table_stream.h"

#include "chorus/plugin/errors.h"
#include "chorus/plugin/table_bookmarks.h"
#include "chorus/singer/timestamps.h"

namespace chorus::tap_mysql {

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

std::vector<std::string> TableStream::orderable_columns() const {
  std::vector<std::string> names;
  for (const auto &column : table_.columns) {
    if (column.orderable()) names.push_back(column.name);
  }
  return names;
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
  write_table_schema(sync, name(), schema(), table_.primary_key, property_order());
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
    version ? out.end_record(extracted_at, *version) : out.end_record(extracted_at);
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
  if (partition_step(sync, "tap-mysql", name(), table_.primary_key, options_.partition)) return;
  std::unique_ptr<Connection> connection = options_.connect();
  const ReplicationMethod method = sync.replication_method();
  if (method == ReplicationMethod::LogBased) return sync_log_based(*connection, sync);
  if (method == ReplicationMethod::Incremental) return sync_incremental(*connection, sync);
  sync_full_table(*connection, sync, sync.bookmark());
}

// In primary-key order, resumable after the last key written (FullTableBookmark).
void TableStream::sync_full_table(Connection &connection, StreamSync &sync,
                                  nlohmann::json bookmark) {
  const std::vector<const ColumnType *> columns = selected_columns(sync);
  const std::vector<std::size_t> keys = key_positions(columns, table_.primary_key);
  FullTableBookmark full(sync, name(), std::move(bookmark), "tap-mysql", table_.primary_key,
                         options_.state_every, options_.partition);
  std::string query = "SELECT " + select_list(columns) + " FROM " + table_.qualified_name();
  std::string where;
  if (const auto &last = full.resume_after()) {
    // (k1 > v1) OR (k1 = v1 AND k2 > v2) ...: the form MySQL turns into index ranges.
    auto literal = [&](std::string_view text) { return connection.literal(text); };
    std::string condition;
    std::string equal_prefix;
    for (std::size_t key : keys) {
      const ColumnType &column = *columns[key];
      const std::string value = sql_value(column, (*last)[column.name].get<std::string>(), literal);
      condition += (condition.empty() ? "(" : " OR (") + equal_prefix + quote_name(column.name) +
                   " > " + value + ")";
      equal_prefix += quote_name(column.name) + " = " + value + " AND ";
    }
    where = "(" + condition + ")";
  }
  if (const std::string slice = slice_condition(); !slice.empty()) {
    where += (where.empty() ? "" : " AND ") + slice;
  }
  if (!where.empty()) query += " WHERE " + where;
  std::string order;
  for (std::size_t key : keys)
    order += (order.empty() ? "" : ", ") + quote_name(columns[key]->name);
  if (!order.empty()) query += " ORDER BY " + order;

  full.begin();
  read_records(connection, sync, query, columns, full.version(), [&](const RowView &fields) {
    full.row_written([&] {
      nlohmann::json last = nlohmann::json::object();
      for (std::size_t key : keys)
        last[columns[key]->name] = bookmark_text(*columns[key], *fields[key]);
      return last;
    });
  });
  full.finish();
}

std::string TableStream::slice_condition() const {
  // CRC32 of the key's text (its columns joined by commas), the same in MySQL and MariaDB.
  std::string key_text;
  for (const auto &key : table_.primary_key) key_text += ", " + quote_name(key);
  return options_.partition.slice_condition("CRC32(CONCAT_WS(','" + key_text + "))");
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
  IncrementalBookmark incremental(sync, key, options_.state_every);
  std::string query = "SELECT " + select_list(columns) + " FROM " + table_.qualified_name();
  if (const auto start = incremental.start_value()) {
    auto literal = [&](std::string_view text) { return connection.literal(text); };
    query += " WHERE " + key_ref + " >= " + sql_value(*key_column, *start, literal);
  } else {
    read_records(connection, sync, query + " WHERE " + key_ref + " IS NULL", columns, std::nullopt,
                 nullptr);
    query += " WHERE " + key_ref + " IS NOT NULL";
  }
  query += " ORDER BY " + key_ref;
  read_records(connection, sync, query, columns, std::nullopt, [&](const RowView &fields) {
    incremental.row_written(bookmark_text(*key_column, *fields[key_at]));
  });
  incremental.finish();
}

}  // namespace chorus::tap_mysql
