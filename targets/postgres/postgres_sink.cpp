#include "postgres_sink.h"

#include <chrono>
#include <ctime>

#include "chorus/plugin/errors.h"
#include "chorus/singer/timestamps.h"
#include "chorus/sql/metadata_columns.h"
#include "chorus/sql/statements.h"
#include "staging_keys.h"

namespace chorus::target_postgres {
namespace {

std::optional<long long> as_integer(const std::optional<std::string> &text) {
  if (!text) return std::nullopt;
  return std::stoll(*text);
}

}  // namespace

PostgresSink::PostgresSink(StreamInfo info, const nlohmann::json &config,
                           const PluginContext &context, pg::Connection &connection)
    : BatchSink(std::move(info), config, context),
      connection_(connection),
      hard_delete_(config.value("hard_delete", false)) {
  table_ = sql::table_for_stream(dialect_, stream(), config.value("default_target_schema", ""),
                                 "public");
  prepare_table();
  encoder_ = std::make_unique<CopyEncoder>(plan_, config.value("add_record_metadata", true));
}

std::optional<std::vector<sql::Column>> PostgresSink::existing_columns() {
  auto rows = connection_.query(
      "SELECT column_name, data_type, character_maximum_length, numeric_precision, "
      "numeric_scale FROM information_schema.columns WHERE table_schema = " +
      connection_.literal(table_.schema) +
      " AND table_name = " + connection_.literal(table_.table) + " ORDER BY ordinal_position");
  if (rows.empty()) return std::nullopt;
  std::vector<sql::Column> columns;
  for (const auto &row : rows) {
    sql::CatalogColumn column;
    column.name = row[0].value_or("");
    column.data_type = row[1].value_or("");
    column.character_maximum_length = as_integer(row[2]);
    if (auto p = as_integer(row[3])) column.numeric_precision = static_cast<int>(*p);
    if (auto s = as_integer(row[4])) column.numeric_scale = static_cast<int>(*s);
    columns.push_back({column.name, dialect_.parse_catalog_type(column)});
  }
  return columns;
}

void PostgresSink::prepare_table() {
  connection_.begin();
  try {
    // Serialises concurrent targets evolving the same table; released at commit.
    connection_.execute("SELECT pg_advisory_xact_lock(hashtext(" +
                        connection_.literal(dialect_.qualified(table_)) + "))");
    connection_.execute(sql::create_schema(dialect_, table_.schema));
    plan_ = sql::plan_table(dialect_, stream(), info().schema, info().key_properties,
                            existing_columns());
    if (plan_.create_table) {
      connection_.execute(sql::create_table(dialect_, table_, plan_.columns, plan_.key_columns));
    }
    for (const auto &column : plan_.add) {
      connection_.execute(sql::add_column(dialect_, table_, column));
    }
    for (const auto &change : plan_.alter) {
      connection_.execute(sql::alter_column_type(dialect_, table_, change.column, change.to));
    }
    connection_.commit();
  } catch (...) {
    connection_.rollback();
    throw;
  }
  for (const auto &notice : plan_.notices) context().warn("target-postgres: " + notice);
}

void PostgresSink::process_batch(const singer::RecordBatch &batch,
                                 const std::vector<RecordMeta> &metas) {
  std::string batched_at = singer::utc_now_rfc3339();
  sql::TableName staging{"", "_sdc_stage_" + std::to_string(++batches_)};
  std::vector<std::string> quoted_columns;
  for (const auto &column : plan_.columns) quoted_columns.push_back(dialect_.quote(column.name));

  bool has_deletions = false;
  // Full loads of keyed tables rarely repeat a key within a batch; skipping the ROW_NUMBER()
  // pass then saves a sort of the whole staging table.
  bool keys_unique = keys_unique_for_database(batch, plan_, info().key_properties);
  connection_.begin();
  try {
    connection_.execute(sql::create_staging_table(dialect_, staging, plan_.columns) +
                        " ON COMMIT DROP");
    connection_.copy_in(dialect_.qualified(staging), quoted_columns,
                        [&](pg::Connection::CopyWriter &writer) {
                          std::string chunk;
                          chunk.reserve(std::size_t{1} << 20);
                          for (std::size_t i = 0; i < batch.size(); ++i) {
                            has_deletions |= CopyEncoder::marks_deletion(batch[i]);
                            encoder_->append_row(chunk, stream(), batch[i], metas[i],
                                                 batch.line_number(i), batched_at);
                            if (chunk.size() >= (std::size_t{1} << 20)) {
                              writer.write(chunk);
                              chunk.clear();
                            }
                          }
                          writer.write(chunk);
                        });
    for (const auto &statement : sql::upsert_from_staging(dialect_, table_, staging, plan_.columns,
                                                          plan_.key_columns, keys_unique)) {
      connection_.execute(statement);
    }
    if (hard_delete_ && has_deletions) {
      connection_.execute(sql::delete_marked_rows(dialect_, table_));
    }
    connection_.commit();
  } catch (...) {
    connection_.rollback();
    throw;
  }
  context().counter("record_count", static_cast<std::int64_t>(batch.size()),
                    {{"stream", stream()}});
}

void PostgresSink::activate_version(std::int64_t version) {
  connection_.execute(sql::retire_old_versions(dialect_, table_, version, hard_delete_));
}

void PostgresSink::finish() {
  const nlohmann::json &grants = config().value("grants", nlohmann::json::object());
  auto roles = grants.find(table_.schema);
  if (roles == grants.end()) return;
  for (const auto &role : *roles) {
    for (const auto &statement :
         sql::grant_read(dialect_, table_.schema, role.get<std::string>())) {
      connection_.execute(statement);
    }
  }
}

}  // namespace chorus::target_postgres
