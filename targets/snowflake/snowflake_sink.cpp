#include "chorus/plugin/errors.h"
#include "chorus/s3/record_rows.h"
#include "chorus/singer/timestamps.h"
#include "chorus/sql/metadata_columns.h"
#include "chorus/sql/statements.h"
#include "snowflake_target.h"

namespace chorus::target_snowflake {

SnowflakeSink::SnowflakeSink(StreamInfo info, const nlohmann::json &config,
                             const PluginContext &context, SnowflakeLoad &load)
    : BatchSink(std::move(info), config, context), load_(load) {
  table_ = sql::table_for_stream(load_.dialect, stream(), load_.default_schema, "PUBLIC");
  staging_ = {table_.schema, load_.dialect.safe_name("_CHORUS_STAGE_" + table_.table)};
}

void SnowflakeSink::ensure_table() {
  if (plan_) return;
  std::string catalog = load_.database.empty()
                            ? std::string("information_schema")
                            : load_.dialect.quote(load_.database) + ".information_schema";
  auto rows = load_.api.query(
      "SELECT column_name, data_type, character_maximum_length, numeric_precision, "
      "numeric_scale FROM " +
      catalog + ".columns WHERE table_schema = " + snowflake_literal(table_.schema) +
      " AND table_name = " + snowflake_literal(table_.table) + " ORDER BY ordinal_position");
  std::optional<std::vector<sql::Column>> existing;
  if (!rows.empty()) {
    existing.emplace();
    for (const auto &row : rows) {
      sql::CatalogColumn column;
      column.name = row.at(0).value_or("");
      column.data_type = row.at(1).value_or("");
      if (row.at(2)) column.character_maximum_length = std::stoll(*row[2]);
      if (row.at(3)) column.numeric_precision = std::stoi(*row[3]);
      if (row.at(4)) column.numeric_scale = std::stoi(*row[4]);
      existing->push_back({column.name, load_.dialect.parse_catalog_type(column)});
    }
  }
  sql::TablePlan plan =
      sql::plan_table(load_.dialect, stream(), info().schema, info().key_properties, existing);
  for (const std::string &notice : plan.notices)
    context().info("stream " + stream() + ": " + notice);
  std::vector<std::string> ddl{sql::create_schema(load_.dialect, table_.schema)};
  if (plan.create_table) {
    ddl.push_back(sql::create_table(load_.dialect, table_, plan.columns, plan.key_columns));
  }
  for (const sql::Column &column : plan.add) {
    ddl.push_back(sql::add_column(load_.dialect, table_, column));
  }
  for (const sql::ColumnChange &change : plan.alter) {
    ddl.push_back(sql::alter_column_type(load_.dialect, table_, change.column, change.to));
  }
  if (load_.grants.contains(table_.schema)) {
    for (const auto &role : load_.grants[table_.schema]) {
      for (const std::string &grant :
           sql::grant_read(load_.dialect, table_.schema, role.get<std::string>())) {
        ddl.push_back(grant);
      }
    }
  }
  load_.api.execute(ddl);
  plan_ = std::move(plan);
}

void SnowflakeSink::process_batch(const singer::RecordBatch &batch,
                                  const std::vector<RecordMeta> &metas) {
  if (batch.empty()) return;
  ensure_table();
  s3::StagingOptions options = load_.staging.options;
  options.prefix = s3::batch_prefix(options.prefix, table_.schema + "." + table_.table);
  s3::StagingWriter writer(load_.client, options);
  s3::RecordRowWriter rows(plan_->property_of, singer::utc_now_rfc3339());
  for (std::size_t i = 0; i < batch.size(); ++i) rows.write(writer, batch[i], metas[i]);
  s3::StagedBatch staged = writer.finish();

  std::string sequence_column;
  for (std::size_t i = 0; i < plan_->columns.size(); ++i) {
    if (plan_->property_of[i] == sql::kSequence) sequence_column = plan_->columns[i].name;
  }
  // One request, so one session: the staging table, the COPY and the MERGE share it, and the
  // MERGE (with any hard delete) commits as one transaction.
  auto statements = [&](bool redact) {
    std::vector<std::string> list{
        sql::create_staging_table(load_.dialect, staging_, plan_->columns), "BEGIN",
        copy_into(load_.dialect, staging_, plan_->columns, staged, options.prefix, load_.source,
                  redact),
        merge_from_staging(load_.dialect, table_, staging_, plan_->columns, plan_->key_columns,
                           sequence_column)};
    if (load_.hard_delete) list.push_back(delete_marked_rows(load_.dialect, table_));
    list.push_back("COMMIT");
    list.push_back("DROP TABLE IF EXISTS " + load_.dialect.qualified(staging_));
    return list;
  };
  std::string shown;
  for (const std::string &statement : statements(true)) shown += statement + ";\n";
  try {
    load_.api.execute(statements(false), shown);
  } catch (const std::exception &error) {
    if (!load_.staging.keep_staged_files) {
      try {
        s3::delete_staged(load_.client, staged);
      } catch (const std::exception &) {
        // The load error is the one to report.
      }
    }
    throw FatalError("target-snowflake: stream '" + stream() + "': loading " +
                     std::to_string(staged.rows) + " rows staged at s3://" + staged.bucket + "/" +
                     options.prefix + " failed: " + error.what());
  }
  if (!load_.staging.keep_staged_files) s3::delete_staged(load_.client, staged);
  context().info("stream " + stream() + ": loaded " + std::to_string(staged.rows) + " rows into " +
                 table_.schema + "." + table_.table);
}

void SnowflakeSink::activate_version(std::int64_t version) {
  ensure_table();
  load_.api.execute({retire_old_versions(load_.dialect, table_, version, load_.hard_delete)});
}

}  // namespace chorus::target_snowflake
