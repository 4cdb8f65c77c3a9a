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
  singer::MessageWriter &out = sync.out();
  connection.copy_out("(" + query + ")", [&](std::string_view line) {
    const auto &fields = parser.parse(line);
    out.begin_record(stream);
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (!fields[i]) {
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
    sync.count_record();
    if (on_row) on_row(fields);
  });
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

void TableStream::sync_full_table(pg::Connection &connection, StreamSync &sync,
                                  nlohmann::json bookmark) {
  std::vector<const ColumnType *> columns;
  std::string query = "SELECT " + select_list(sync, columns) + " FROM " + table_.qualified_name();
  std::int64_t version = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  // The first ever load makes the (empty) table visible at once; later loads keep serving the
  // old version until the new one is complete.
  bool first = !bookmark.is_object() || !bookmark.contains("version");
  if (first) sync.out().write_activate_version(name(), version);
  copy_records(connection, sync, query, columns, version, nullptr);
  sync.out().write_activate_version(name(), version);
  nlohmann::json next = bookmark.is_object() ? bookmark : nlohmann::json::object();
  next["version"] = version;
  sync.set_bookmark(next);
  sync.emit_state();
}

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
  // Qualified: the SELECT list aliases a converted column under the same name.
  std::string key_ref = table_.qualified_name() + "." + quote_name(key);
  std::string query = "SELECT " + select_list(sync, columns) + ", " + key_ref + "::text FROM " +
                      table_.qualified_name();
  const nlohmann::json &bookmark = sync.bookmark();
  if (bookmark.is_object() && bookmark.value("replication_key", "") == key &&
      bookmark.contains("replication_key_value")) {
    // ">=": rows equal to the bookmark are read again, so rows sharing the last value that
    // were not yet loaded when the run stopped are never skipped.
    query += " WHERE " + key_ref +
             " >= " + connection.literal(bookmark["replication_key_value"].get<std::string>()) +
             "::" + key_column->sql_type;
  }
  query += " ORDER BY " + key_ref + " NULLS FIRST";

  std::optional<std::string> last_value;
  std::uint64_t since_state = 0;
  auto save = [&] {
    if (!last_value) return;
    sync.set_bookmark({{"replication_key", key}, {"replication_key_value", *last_value}});
    sync.emit_state();
  };
  copy_records(connection, sync, query, columns, std::nullopt,
               [&](const std::vector<std::optional<std::string_view>> &fields) {
                 const auto &value = fields[columns.size()];
                 if (value) last_value = std::string(*value);
                 if (++since_state >= options_.state_every) {
                   save();
                   since_state = 0;
                 }
               });
  save();
}

}  // namespace chorus::tap_postgres
