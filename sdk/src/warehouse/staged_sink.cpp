#include "chorus/warehouse/staged_sink.h"

#include "chorus/singer/timestamps.h"
#include "chorus/sql/metadata_columns.h"
#include "chorus/warehouse/record_rows.h"

namespace chorus::warehouse {

namespace {

s3::StagingSettings with_retry_warnings(s3::StagingSettings settings,
                                        const PluginContext *context) {
  if (context) settings.client.warn = [context](const std::string &text) { context->warn(text); };
  return settings;
}

}  // namespace

StagedLoad::StagedLoad(std::string plugin_name, const nlohmann::json &config,
                       const PluginContext *context)
    : plugin(std::move(plugin_name)),
      warehouse(sql::WarehouseSettings::from_config(config, plugin)),
      staging(with_retry_warnings(s3::staging_settings(config), context)),
      client(staging.client),
      tables(config, plugin) {}

StagedWarehouseSink::StagedWarehouseSink(StreamInfo info, const nlohmann::json &config,
                                         const PluginContext &context, const sql::Dialect &dialect,
                                         StagedLoad &load)
    : SqlSink(std::move(info), config, context, dialect, load.warehouse, load.tables, load.plugin),
      load_(load),
      staging_(dialect.staging_table(table())) {}

void StagedWarehouseSink::ensure_table(const singer::RecordBatch *first_batch) {
  if (has_plan()) return;
  std::vector<std::string> statements = plan_from_catalog(first_batch);
  for (const std::string &notice : plan().notices) {
    context().info("stream " + stream() + ": " + notice);
  }
  for (std::string &grant : grant_statements()) statements.push_back(std::move(grant));
  execute(statements);
}

std::vector<std::string> StagedWarehouseSink::merge_statements() const {
  // With hard_delete the marked rows are deleted after every batch, as if it had deletions.
  return SqlSink::merge_statements(staging_, batch_has_deletions_ || load_.warehouse.hard_delete);
}

std::string StagedWarehouseSink::load_failure(const s3::StagedBatch &batch,
                                              const std::string &location) const {
  return load_.plugin + ": stream '" + stream() + "': loading " + std::to_string(batch.rows) +
         " rows staged at s3://" + batch.bucket + "/" + location + " failed: ";
}

s3::StagedBatch StagedWarehouseSink::stage(const singer::RecordBatch &batch,
                                           const std::vector<RecordMeta> &metas,
                                           const std::string &prefix) {
  s3::StagingOptions options = load_.staging.options;
  options.prefix = prefix;
  const RecordRowWriter rows(plan().property_of, singer::utc_now_rfc3339());
  return stage_batch(load_.client, std::move(options), rows, batch, metas);
}

void StagedWarehouseSink::process_batch(const singer::RecordBatch &received,
                                        const std::vector<RecordMeta> &metas) {
  if (received.empty()) return;
  ensure_table(&received);
  const singer::RecordBatch &batch = fit_values(received);
  check_values_fit(batch);
  const std::string prefix =
      s3::batch_prefix(load_.staging.options.prefix, table().schema + "." + table().table);
  batch_has_deletions_ = false;
  for (const auto &record : batch) batch_has_deletions_ |= sql::marks_deletion(record);
  s3::StagedBatch staged = stage(batch, metas, prefix);
  try {
    load_staged(staged, prefix);
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
  // The batch is committed: from here on nothing may fail it, or its STATE would never be
  // echoed and a resumed run would load it again.
  context().info("stream " + stream() + ": loaded " + std::to_string(staged.rows) + " rows into " +
                 table().schema + "." + table().table + " from " +
                 std::to_string(staged.files.size()) + " staged files (" +
                 std::to_string(staged.stored_bytes) + " bytes)");
  if (!load_.staging.keep_staged_files) remove_committed_files(staged);
  try {
    after_load();
  } catch (const std::exception &error) {
    context().warn("stream " + stream() +
                   ": the batch is committed, but the maintenance after it "
                   "failed: " +
                   error.what());
  }
}

void StagedWarehouseSink::remove_committed_files(const s3::StagedBatch &staged) {
  try {
    s3::delete_staged(load_.client, staged);
  } catch (const std::exception &error) {
    std::vector<std::string> left = s3::staged_keys(staged);
    if (const auto *partial = dynamic_cast<const s3::DeleteObjectsError *>(&error)) {
      left = partial->failed_keys();
    }
    std::string names;
    for (const std::string &key : left) {
      names += (names.empty() ? "" : ", ") + load_.client.object_url(key);
    }
    context().warn("stream " + stream() + ": the batch is loaded and committed, but " +
                   std::to_string(left.size()) + " staged objects could not be removed (" +
                   error.what() + "); left behind: " + names +
                   ". Allow s3:DeleteObject on the staging prefix, or remove them with `chorus "
                   "staging clean`");
  }
}

void StagedWarehouseSink::activate_version(std::int64_t version) {
  ensure_table(nullptr);
  retire_old_versions(version);
  execute(statistics_statements());
}

}  // namespace chorus::warehouse
