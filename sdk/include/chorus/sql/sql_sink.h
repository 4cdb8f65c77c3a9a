// The SQL sink family (the Meltano SDK's SQLSink and SQLConnector roles): one stream's table in
// a SQL database, written once for every dialect. What a SQL target does the same way whatever
// its database lives here, with the Dialect as the variable part:
//
//   table preparation   read the table's columns from the catalog (catalog_columns_query), plan
//                       it (plan_table: new columns added, compatible ones widened, versioned
//                       columns for the rest) and create or evolve it (prepare_table)
//   grants              read access per schema from the "grants" setting (grant_statements),
//                       and statistics, once, in the final step of a partitioned sync
//   staging upsert      keep the values of soft-deleted rows, de-duplicate and merge a staging
//                       table into the table, hard-delete marked rows (merge_statements)
//   ACTIVATE_VERSION    retire rows of older versions: DELETE with hard_delete, else mark them
//                       deleted (retire_old_versions)
//
// A target derives from SqlSink (or from warehouse::StagedWarehouseSink, which adds loads
// staged in S3) and supplies what only its database does its own way: how statements and
// queries reach it (query(), execute()), when the table is prepared, and process_batch(): how a
// batch's rows get into a staging table or the table itself (COPY, inserts, a warehouse COPY).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "chorus/plugin/target.h"
#include "chorus/singer/record_batch.h"
#include "chorus/sql/dialect.h"
#include "chorus/sql/stream_tables.h"
#include "chorus/sql/table_plan.h"
#include "chorus/sql/warehouse_load.h"

namespace chorus::sql {

class SqlSink : public BatchSink {
 public:
  // The stream lands in tables.claim(dialect, stream, "public"). `dialect`, `settings` and
  // `tables` outlive the sink; `plugin` names the target in messages ("target-postgres").
  SqlSink(StreamInfo info, const nlohmann::json &config, const PluginContext &context,
          const Dialect &dialect, const WarehouseSettings &settings, StreamTables &tables,
          std::string plugin);

  const TableName &table() const { return table_; }

 protected:
  // What the database does its own way.

  // Runs one query; every value as text, NULL as nullopt.
  virtual std::vector<CatalogRow> query(const std::string &sql) = 0;
  // Runs `statements` in order. A database may send them together.
  virtual void execute(const std::vector<std::string> &statements) = 0;
  // The schema of the catalog's "columns" view: "information_schema" unless overridden.
  virtual std::string information_schema() const { return "information_schema"; }
  // How staging rows reach table(): upsert_from_staging() unless overridden.
  virtual std::vector<std::string> upsert_statements(const TableName &staging,
                                                     bool staging_keys_unique) const;

  // The shared steps, for the target's part.

  const Dialect &dialect() const { return dialect_; }
  const WarehouseSettings &settings() const { return settings_; }
  const std::string &plugin() const { return plugin_; }
  bool has_plan() const { return plan_.has_value(); }
  // The table's plan; set by plan_from_catalog().
  const TablePlan &plan() const { return *plan_; }

  // Reads the table's columns from the catalog and plans the table for the stream's schema
  // (new unconstrained decimals sized from `first_batch`, which may be null); the plan is
  // plan() from here on. Returns the statements that create or evolve the table
  // (prepare_table), for the caller to run when and how its database needs them.
  std::vector<std::string> plan_from_catalog(const singer::RecordBatch *first_batch);
  // Read access on the table's schema for its "grants" entries (grant_statements()); none in a
  // slice of a partitioned sync (WarehouseSettings::defers_once_only_work).
  std::vector<std::string> grant_statements() const;
  // In the final step of a partitioned sync, the dialect's statistics_statements(); else none.
  std::vector<std::string> statistics_statements() const;
  // Refuses, naming the record, the first value of `batch` the plan's columns cannot hold
  // exactly (check_values_fit).
  void check_values_fit(const singer::RecordBatch &batch) const;
  // The statements that move `staging` into table(), to run in one transaction: with
  // `deletions` and soft deletes, keep_values_of_deleted_rows(); upsert_statements(); with
  // `deletions` and hard_delete, delete_marked_rows().
  std::vector<std::string> merge_statements(const TableName &staging, bool deletions,
                                            bool staging_keys_unique = false) const;
  // ACTIVATE_VERSION `version`: runs retire_old_versions() (DELETE with hard_delete, else an
  // UPDATE of _sdc_deleted_at).
  void retire_old_versions(std::int64_t version);

 private:
  const Dialect &dialect_;
  const WarehouseSettings &settings_;
  std::string plugin_;
  TableName table_;
  std::optional<TablePlan> plan_;
};

}  // namespace chorus::sql
