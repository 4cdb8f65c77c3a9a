// A sink for warehouses that load through files staged in S3 (Redshift, Snowflake, and any
// warehouse with a COPY from object storage). Per stream, the shape of a load is always:
//
//   first use   read the table's columns from the catalog, plan it (chorus::sql::plan_table),
//               create or evolve it (sql::prepare_table) and grant read access per schema
//   each batch  refuse values the columns cannot hold exactly (sql::check_values_fit), stage the
//   records as CSV files in S3 (chorus::s3::StagingWriter), then, in the
//               warehouse: create the staging table, copy the files into it, de-duplicate on
//               the key properties and merge into the table, hard-delete marked rows when
//               hard_delete is set, drop the staging table; then remove the staged files
//               (unless keep_staged_files), also when the load failed
//   ACTIVATE_VERSION  retire rows of older versions (sql::retire_old_versions)
//
// StagedWarehouseSink does all of it, the SQL part through chorus::sql::SqlSink (the SQL sink
// family, see chorus/sql/sql_sink.h); a target supplies only what its warehouse does its own
// way: how statements and queries reach the warehouse, and load_staged() (its COPY, inside the
// transaction it runs the merge in).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "chorus/plugin/target.h"
#include "chorus/s3/client.h"
#include "chorus/s3/staging.h"
#include "chorus/s3/staging_settings.h"
#include "chorus/sql/dialect.h"
#include "chorus/sql/sql_sink.h"
#include "chorus/sql/stream_tables.h"
#include "chorus/sql/table_plan.h"
#include "chorus/sql/warehouse_load.h"

namespace chorus::warehouse {

// What the sinks of one run share, read from the target's config once. A target's own shared
// state (its connection, its COPY settings) usually derives from it.
struct StagedLoad {
  // `plugin` names the target in messages ("target-redshift"). S3 retries are logged as
  // warnings on `context` (on stderr when null); it outlives the load. Throws ConfigError for a
  // bad setting (see sql::WarehouseSettings::from_config and s3::staging_settings).
  StagedLoad(std::string plugin, const nlohmann::json &config,
             const PluginContext *context = nullptr);

  std::string plugin;
  sql::WarehouseSettings warehouse;  // default_target_schema, hard_delete, grants
  s3::StagingSettings staging;       // bucket, prefix, compression, credentials, ...
  s3::Client client;                 // made from staging.client
  sql::StreamTables tables;          // which stream has which table
};

class StagedWarehouseSink : public sql::SqlSink {
 public:
  // The stream lands in sql::table_for_stream(dialect, stream, default_target_schema, "public")
  // and stages its rows in dialect.staging_table() of it. `dialect` and `load` outlive the sink.
  StagedWarehouseSink(StreamInfo info, const nlohmann::json &config, const PluginContext &context,
                      const sql::Dialect &dialect, StagedLoad &load);

  // Prepares the table when this is its first use, then runs sql::retire_old_versions() (a
  // DELETE with hard_delete, else an UPDATE of _sdc_deleted_at).
  void activate_version(std::int64_t version) override;

 protected:
  // What the warehouse does its own way: query(), execute() (each statement committed: table
  // preparation, grants, ACTIVATE_VERSION; a warehouse may send them together),
  // information_schema() and upsert_statements() as sql::SqlSink says, and the following.

  // Moves `batch` (files staged under key prefix `prefix`) into table(), all or nothing:
  // create staging_table() (sql::create_staging_table), copy the files into it, run
  // merge_statements(), drop it. Throws on failure, with a message that names the stream (see
  // load_failure()); the staged files are removed afterwards unless kept.
  virtual void load_staged(const s3::StagedBatch &batch, const std::string &prefix) = 0;
  // After a committed load and the removal of its files: per-load maintenance (VACUUM, ...).
  // The batch is committed already, so a failure here is logged as a warning.
  virtual void after_load() {}
  // Before a batch's values are checked against the plan (sql::check_values_fit) and staged:
  // the batch to load, which may be a changed copy of `batch` owned by the sink (the same
  // records in the same order, with the same line numbers). `batch` itself unless overridden.
  virtual const singer::RecordBatch &fit_values(const singer::RecordBatch &batch) { return batch; }

  // For the warehouse's part.

  // plan() is set by the first batch or ACTIVATE_VERSION, before load_staged() runs.
  const sql::TableName &staging_table() const { return staging_; }
  // For a batch with deletion records and soft deletes, sql::keep_values_of_deleted_rows();
  // then upsert_statements(), then sql::delete_marked_rows() when hard_delete is set (after
  // every batch, so rows marked before hard_delete was set go too).
  std::vector<std::string> merge_statements() const;
  // "<plugin>: stream '<stream>': loading <n> rows staged at s3://<bucket>/<location> failed: ",
  // the start of the message of a failed load.
  std::string load_failure(const s3::StagedBatch &batch, const std::string &location) const;

  // Stages the batch, has load_staged() load it, removes the staged files, logs the load and
  // calls after_load(). Once load_staged() returned, nothing fails the batch: a staged file
  // that cannot be removed is a warning naming what is left behind.
  void process_batch(const singer::RecordBatch &batch, const std::vector<RecordMeta> &metas) final;

 private:
  // Reads the catalog, plans (new unconstrained decimals sized from `first_batch`, which may
  // be null), prepares and grants: once per sink.
  void ensure_table(const singer::RecordBatch *first_batch);
  s3::StagedBatch stage(const singer::RecordBatch &batch, const std::vector<RecordMeta> &metas,
                        const std::string &prefix);
  // Deletes the files of a committed batch; a failure is a warning naming the objects left.
  void remove_committed_files(const s3::StagedBatch &staged);

  StagedLoad &load_;
  sql::TableName staging_;
  bool batch_has_deletions_ = false;  // of the batch being loaded
};

}  // namespace chorus::warehouse
