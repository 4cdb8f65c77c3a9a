#include "table_stream.h"

#include <algorithm>
#include <chrono>
#include <ctime>

#include "chorus/pg/copy_binary_reader.h"
#include "chorus/pg/copy_text.h"
#include "chorus/plugin/errors.h"
#include "chorus/plugin/table_bookmarks.h"
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
                         const nlohmann::json &tap_config)
    : DatabaseTableStream(table.stream_name(), table.primary_key, tap_config),
      table_(std::move(table)),
      options_(options) {}

nlohmann::json TableStream::schema() const {
  nlohmann::json properties = nlohmann::json::object();
  for (const auto &column : table_.columns) properties[column.name] = column.json_schema();
  return {{"type", "object"}, {"properties", properties}};
}

std::vector<std::string> TableStream::orderable_columns() const {
  std::vector<std::string> names;
  for (const auto &column : table_.columns) {
    if (orderable(column)) names.push_back(column.name);
  }
  return names;
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
  std::vector<JsonKind> kinds;
  for (const auto *column : columns) kinds.push_back(column->json_kind());
  std::vector<std::uint64_t> non_finite(columns.size(), 0);
  singer::MessageWriter &out = sync.out();
  // `fields`: the selected columns' texts, then the texts the query adds for bookmarks.
  const auto write_row = [&](const std::vector<std::optional<std::string_view>> &fields) {
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
  };

  // Binary when every selected column's text can be read from its binary field (the columns
  // the query adds are text): the server then formats no timestamp or number.
  std::vector<pg::binary::FieldText> binary_texts;
  for (const auto *column : columns) {
    const auto field = column->binary_field();
    if (!field) break;
    binary_texts.emplace_back(*field);
  }
  const std::string source = "(" + query + ")";
  if (binary_texts.size() < columns.size()) {
    sync.context().debug("tap-postgres: stream '" + stream + "' (text COPY) reads: " + query);
    pg::CopyLineParser parser;
    connection.copy_out(source, pg::CopyFormat::Text,
                        [&](std::string_view line) { write_row(parser.parse(line)); });
  } else {
    sync.context().debug("tap-postgres: stream '" + stream + "' (binary COPY) reads: " + query);
    pg::binary::TupleReader reader("stream '" + stream + "'");
    std::vector<std::optional<std::string_view>> texts;
    connection.copy_out(source, pg::CopyFormat::Binary, [&](std::string_view data) {
      reader.feed(data, [&](const pg::binary::Tuple &tuple) {
        if (tuple.size() < columns.size()) {
          throw FatalError("tap-postgres: stream '" + stream + "': PostgreSQL sent a row of " +
                           std::to_string(tuple.size()) + " fields for " +
                           std::to_string(columns.size()) + " columns");
        }
        texts.assign(tuple.begin(), tuple.end());
        for (std::size_t i = 0; i < columns.size(); ++i) {
          if (tuple[i]) texts[i] = binary_texts[i](*tuple[i]);
        }
        write_row(texts);
      });
    });
    reader.finish();
  }
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
  std::vector<std::string> column_order;
  for (const auto &column : table_.columns) column_order.push_back(column.name);
  write_table_schema(sync, name(), schema(), table_.primary_key, column_order);

  if (partition_step(sync, "tap-postgres", name(), table_.primary_key, options_.partition)) return;
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

std::string TableStream::slice_condition(const std::vector<const ColumnType *> &keys) const {
  // A hash of the key's text gives each row one slice whatever the key's type and spread.
  std::string key_text;
  for (const auto *key : keys) {
    key_text += (key_text.empty() ? "" : " || ',' || ") + column_ref(*key) + "::text";
  }
  return options_.partition.slice_condition("(hashtextextended(" + key_text +
                                            ", 0) & 9223372036854775807)");
}

std::vector<std::size_t> TableStream::key_fields(const std::vector<const ColumnType *> &keys,
                                                 const std::vector<const ColumnType *> &columns,
                                                 std::string &query) const {
  std::vector<std::size_t> at;
  std::size_t added = 0;
  for (const auto *key : keys) {
    const auto selected = std::find(columns.begin(), columns.end(), key);
    // An orderable column is selected as itself, and its COPY text is what ::text gives;
    // reading it again would cost the server a conversion and a field per row.
    if (selected != columns.end() && orderable(*key)) {
      at.push_back(static_cast<std::size_t>(selected - columns.begin()));
    } else {
      query += ", " + column_ref(*key) + "::text";
      at.push_back(columns.size() + added++);
    }
  }
  return at;
}

// In primary-key order, resumable after the last key written (FullTableBookmark).
void TableStream::sync_full_table(pg::Connection &connection, StreamSync &sync,
                                  nlohmann::json bookmark) {
  const std::vector<const ColumnType *> keys = key_columns();
  FullTableBookmark full(sync, name(), std::move(bookmark), "tap-postgres", table_.primary_key,
                         options_.state_every, options_.partition);
  std::vector<const ColumnType *> columns;
  std::string query = "SELECT " + select_list(sync, columns);
  const std::vector<std::size_t> key_at = key_fields(keys, columns, query);
  std::string order;
  for (const auto *key : keys) order += (order.empty() ? "" : ", ") + column_ref(*key);
  query += " FROM " + table_.qualified_name();
  if (const auto &last = full.resume_after()) {
    std::string values;
    for (const auto *key : keys) {
      values += (values.empty() ? "" : ", ") +
                connection.literal((*last)[key->name].get<std::string>()) + "::" + key->sql_type;
    }
    query += " WHERE (" + order + ") > (" + values + ")";
  }
  if (const std::string slice = slice_condition(keys); !slice.empty()) {
    query += (full.resume_after() ? " AND " : " WHERE ") + slice;
  }
  if (!order.empty()) query += " ORDER BY " + order;

  full.begin();
  copy_records(connection, sync, query, columns, full.version(),
               [&](const std::vector<std::optional<std::string_view>> &fields) {
                 full.row_written([&] {
                   nlohmann::json last = nlohmann::json::object();
                   for (std::size_t i = 0; i < keys.size(); ++i) {
                     last[keys[i]->name] = bookmark_text(*keys[i], *fields[key_at[i]]);
                   }
                   return last;
                 });
               });
  full.finish();
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
  std::string query = "SELECT " + select_list(sync, columns);
  const std::size_t key_at = key_fields({key_column}, columns, query).front();
  query += " FROM " + table_.qualified_name();
  IncrementalBookmark incremental(sync, key, options_.state_every);
  if (const auto start = incremental.start_value()) {
    // The value is RFC 3339 for timestamps; PostgreSQL reads that and the older
    // "2026-05-01 01:39:00+00" form alike.
    query +=
        " WHERE " + key_ref + " >= " + connection.literal(*start) + "::" + key_column->sql_type;
  } else {
    copy_records(connection, sync, query + " WHERE " + key_ref + " IS NULL", columns, std::nullopt,
                 nullptr);
    query += " WHERE " + key_ref + " IS NOT NULL";
  }
  query += " ORDER BY " + key_ref;
  copy_records(connection, sync, query, columns, std::nullopt,
               [&](const std::vector<std::optional<std::string_view>> &fields) {
                 incremental.row_written(bookmark_text(*key_column, *fields[key_at]));
               });
  incremental.finish();
}

}  // namespace chorus::tap_postgres
