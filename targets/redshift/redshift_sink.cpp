#include "redshift_sink.h"

#include "chorus/plugin/errors.h"
#include "chorus/s3/record_rows.h"
#include "chorus/singer/timestamps.h"
#include "chorus/sql/metadata_columns.h"
#include "chorus/sql/statements.h"

namespace chorus::target_redshift {

RedshiftSink::RedshiftSink(StreamInfo info, const nlohmann::json &config,
                           const PluginContext &context, LoadEnvironment &load)
    : BatchSink(std::move(info), config, context), load_(load) {
  table_ = sql::table_for_stream(load_.dialect, stream(), load_.default_schema, "public");
  staging_.table = load_.dialect.safe_name("_chorus_stage_" + table_.table);
}

void RedshiftSink::ensure_table() {
  if (plan_) return;
  std::optional<std::vector<sql::Column>> existing;
  auto rows = load_.session.query(
      "SELECT column_name, data_type, character_maximum_length, numeric_precision, "
      "numeric_scale FROM information_schema.columns WHERE table_schema = " +
      load_.literal(table_.schema) + " AND table_name = " + load_.literal(table_.table) +
      " ORDER BY ordinal_position");
  if (!rows.empty()) {
    existing.emplace();
    for (const auto &row : rows) {
      sql::CatalogColumn column;
      column.name = row[0].value_or("");
      column.data_type = row[1].value_or("");
      if (row[2]) column.character_maximum_length = std::stoll(*row[2]);
      if (row[3]) column.numeric_precision = std::stoi(*row[3]);
      if (row[4]) column.numeric_scale = std::stoi(*row[4]);
      existing->push_back({column.name, load_.dialect.parse_catalog_type(column)});
    }
  }
  sql::TablePlan plan =
      sql::plan_table(load_.dialect, stream(), info().schema, info().key_properties, existing);
  for (const std::string &notice : plan.notices)
    context().info("stream " + stream() + ": " + notice);
  load_.session.execute(sql::create_schema(load_.dialect, table_.schema));
  if (plan.create_table) {
    // Redshift does not enforce primary keys; declaring them still helps its planner.
    load_.session.execute(sql::create_table(load_.dialect, table_, plan.columns, plan.key_columns));
  }
  for (const sql::Column &column : plan.add) {
    load_.session.execute(sql::add_column(load_.dialect, table_, column));
  }
  for (const sql::ColumnChange &change : plan.alter) {
    // Redshift cannot alter a column type inside a transaction block; each runs on its own.
    load_.session.execute(sql::alter_column_type(load_.dialect, table_, change.column, change.to));
  }
  plan_ = std::move(plan);
  grant_access();
}

void RedshiftSink::grant_access() {
  if (!load_.grants.contains(table_.schema)) return;
  const std::string schema = load_.dialect.quote(table_.schema);
  for (const auto &entry : load_.grants[table_.schema]) {
    const std::string target = load_.grantee(entry.get<std::string>());
    load_.session.execute("GRANT USAGE ON SCHEMA " + schema + " TO " + target);
    load_.session.execute("GRANT SELECT ON ALL TABLES IN SCHEMA " + schema + " TO " + target);
  }
}

void RedshiftSink::process_batch(const singer::RecordBatch &batch,
                                 const std::vector<RecordMeta> &metas) {
  if (batch.empty()) return;
  ensure_table();
  s3::StagingOptions options = load_.staging.options;
  options.prefix = s3::batch_prefix(options.prefix, table_.schema + "." + table_.table);
  s3::StagingWriter writer(load_.client, options);
  s3::RecordRowWriter rows(plan_->property_of, singer::utc_now_rfc3339());
  for (std::size_t i = 0; i < batch.size(); ++i) rows.write(writer, batch[i], metas[i]);
  s3::StagedBatch staged = writer.finish();
  try {
    load(staged);
  } catch (...) {
    if (!load_.staging.keep_staged_files) {
      try {
        s3::delete_staged(load_.client, staged);
      } catch (const std::exception &) {
        // The load error is the one to report.
      }
    }
    throw;
  }
  if (!load_.staging.keep_staged_files) s3::delete_staged(load_.client, staged);
  context().info("stream " + stream() + ": loaded " + std::to_string(staged.rows) + " rows into " +
                 table_.schema + "." + table_.table + " from " +
                 std::to_string(staged.files.size()) + " staged files (" +
                 std::to_string(staged.stored_bytes) + " bytes)");
  if (load_.vacuum_after_load) load_.session.execute("VACUUM " + load_.dialect.qualified(table_));
  if (load_.analyze_after_load) load_.session.execute("ANALYZE " + load_.dialect.qualified(table_));
}

void RedshiftSink::load(const s3::StagedBatch &staged) {
  const auto &dialect = load_.dialect;
  Session &session = load_.session;
  session.begin();
  try {
    session.execute(sql::create_staging_table(dialect, staging_, plan_->columns));
    try {
      load_.copy->copy(session, staging_, plan_->columns, staged);
    } catch (const std::exception &error) {
      session.rollback();
      std::string detail = load_.copy->explain_failure(session);
      throw FatalError("target-redshift: stream '" + stream() + "': loading " +
                       std::to_string(staged.rows) + " rows staged at s3://" + staged.bucket + "/" +
                       staged.manifest_key + " failed: " + error.what() + detail +
                       "; check that the records fit the table's column types (set "
                       "keep_staged_files to inspect the staged CSV)");
    }
    for (const std::string &statement :
         sql::upsert_from_staging(dialect, table_, staging_, plan_->columns, plan_->key_columns)) {
      session.execute(statement);
    }
    if (load_.hard_delete) session.execute(sql::delete_marked_rows(dialect, table_));
    session.execute("DROP TABLE " + dialect.qualified(staging_));
    session.commit();
  } catch (...) {
    session.rollback();
    throw;
  }
}

void RedshiftSink::activate_version(std::int64_t version) {
  ensure_table();
  load_.session.execute(
      sql::retire_old_versions(load_.dialect, table_, version, load_.hard_delete));
}

}  // namespace chorus::target_redshift
