#include "chorus/sql/stream_tables.h"

#include <algorithm>

#include "chorus/plugin/errors.h"
#include "chorus/sql/metadata_columns.h"
#include "chorus/sql/warehouse_load.h"

namespace chorus::sql {

StreamTables::StreamTables(const nlohmann::json &config, std::string plugin)
    : plugin_(std::move(plugin)), default_schema_(kDefaultTargetSchema.read(config)) {
  const auto names = config.find("table_names");
  if (names == config.end() || names->is_null()) return;
  if (!names->is_object()) {
    throw ConfigError(plugin_ + ": table_names must be an object of stream name to table name");
  }
  for (const auto &[stream, table] : names->items()) {
    if (!table.is_string() || table.get<std::string>().empty()) {
      throw ConfigError(plugin_ + ": table_names: the table of stream '" + stream +
                        "' must be a non-empty string (\"table\" or \"schema.table\")");
    }
    table_names_[stream] = table.get<std::string>();
  }
}

nlohmann::json StreamTables::setting_schema() {
  return {{"type", "object"},
          {"additionalProperties", {{"type", "string"}, {"minLength", 1}}},
          {"description",
           "Per stream, the table it loads into (\"table\", or \"schema.table\"), instead of "
           "the one its name gives. Needed when two streams would land in the same table, "
           "which is refused: {\"archive-orders\": \"archive_orders\"}."}};
}

TableName StreamTables::claim(const Dialect &dialect, const std::string &stream,
                              std::string_view fallback_schema, bool case_insensitive) {
  TableName table;
  if (auto named = table_names_.find(stream); named != table_names_.end()) {
    const std::string_view text = named->second;
    const auto dot = text.find('.');
    const std::string_view schema_part = dot == std::string_view::npos ? "" : text.substr(0, dot);
    const std::string_view table_part = dot == std::string_view::npos ? text : text.substr(dot + 1);
    table = table_for_stream(dialect, stream, default_schema_, fallback_schema);
    if (!schema_part.empty()) table.schema = dialect.safe_name(schema_part);
    table.table = dialect.safe_name(table_part);
  } else {
    table = table_for_stream(dialect, stream, default_schema_, fallback_schema);
  }
  claim_key(table.schema + '\n' + table.table, dialect.qualified(table), table.table, stream,
            case_insensitive);
  return table;
}

std::string StreamTables::table_name(const std::string &stream) const {
  auto named = table_names_.find(stream);
  return named == table_names_.end() ? stream : named->second;
}

void StreamTables::claim_name(const std::string &name, const std::string &stream,
                              bool case_insensitive) {
  claim_key(name, "'" + name + "'", name, stream, case_insensitive);
}

void StreamTables::claim_key(std::string key, const std::string &shown,
                             const std::string &table_only, const std::string &stream,
                             bool case_insensitive) {
  if (case_insensitive) {
    std::transform(key.begin(), key.end(), key.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  }
  std::lock_guard<std::mutex> lock(mutex_);
  const auto [owner, inserted] = owners_.emplace(key, stream);
  if (!inserted && owner->second != stream) {
    throw FatalError(plugin_ + ": streams '" + owner->second + "' and '" + stream +
                     "' would both load into table " + shown +
                     ", mixing their rows; map one of them to another table with the "
                     "table_names setting, e.g. \"table_names\": {\"" +
                     stream + "\": \"" + table_only + "_2\"}");
  }
}

}  // namespace chorus::sql
