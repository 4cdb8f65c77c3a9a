#include "chorus/sql/sql_sink.h"

#include "chorus/sql/statements.h"
#include "chorus/sql/value_fit.h"

namespace chorus::sql {

SqlSink::SqlSink(StreamInfo info, const nlohmann::json &config, const PluginContext &context,
                 const Dialect &dialect, const WarehouseSettings &settings, StreamTables &tables,
                 std::string plugin)
    : BatchSink(std::move(info), config, context),
      dialect_(dialect),
      settings_(settings),
      plugin_(std::move(plugin)) {
  table_ = tables.claim(dialect_, stream(), "public");
  fill_deletions_from_batch();
}

std::vector<std::string> SqlSink::plan_from_catalog(const singer::RecordBatch *first_batch) {
  auto existing = existing_columns(
      dialect_, query(catalog_columns_query(dialect_, table_, information_schema())));
  TablePlan plan = plan_table(dialect_, stream(), info().schema, info().key_properties, existing,
                              info().property_order, settings_.types);
  size_decimals_from_data(dialect_, plan, first_batch);
  plan_ = std::move(plan);
  return prepare_table(dialect_, table_, *plan_);
}

std::vector<std::string> SqlSink::grant_statements() const {
  if (settings_.defers_once_only_work()) return {};
  return sql::grant_statements(dialect_, table_.schema, settings_);
}

std::vector<std::string> SqlSink::statistics_statements() const {
  if (!settings_.partition.finalize) return {};
  return dialect_.statistics_statements(table_);
}

void SqlSink::check_values_fit(const singer::RecordBatch &batch) const {
  sql::check_values_fit(dialect_, *plan_, batch, plugin_, stream());
}

std::vector<std::string> SqlSink::upsert_statements(const TableName &staging,
                                                    bool staging_keys_unique) const {
  return upsert_from_staging(dialect_, table_, staging, plan_->columns, plan_->key_columns,
                             staging_keys_unique);
}

std::vector<std::string> SqlSink::merge_statements(const TableName &staging, bool deletions,
                                                   bool staging_keys_unique) const {
  std::vector<std::string> statements;
  if (deletions && !settings_.hard_delete) {
    std::string keep =
        keep_values_of_deleted_rows(dialect_, table_, staging, plan_->columns, plan_->key_columns);
    if (!keep.empty()) statements.push_back(std::move(keep));
  }
  for (std::string &statement : upsert_statements(staging, staging_keys_unique)) {
    statements.push_back(std::move(statement));
  }
  if (deletions && settings_.hard_delete)
    statements.push_back(delete_marked_rows(dialect_, table_));
  return statements;
}

void SqlSink::retire_old_versions(std::int64_t version) {
  execute({sql::retire_old_versions(dialect_, table_, version, settings_.hard_delete)});
}

}  // namespace chorus::sql
