// Loads one stream into one PostgreSQL table, a batch per transaction.
#pragma once

#include <memory>
#include <string>

#include "chorus/pg/connection.h"
#include "chorus/plugin/target.h"
#include "chorus/sql/postgres_dialect.h"
#include "chorus/sql/table_plan.h"
#include "copy_encoder.h"

namespace chorus::target_postgres {

class PostgresSink : public BatchSink {
 public:
  // Creates or evolves the stream's table at once (DDL committed before any data), so that a
  // schema problem fails before records are read.
  PostgresSink(StreamInfo info, const nlohmann::json &config, const PluginContext &context,
               pg::Connection &connection);

  void activate_version(std::int64_t version) override;
  void finish() override;

 protected:
  // One transaction: COPY into a temporary staging table, de-duplicate on the keys (last
  // _sdc_sequence wins; skipped when the batch's keys are already unique), upsert into the
  // table, hard-delete marked rows when asked, commit.
  void process_batch(const singer::RecordBatch &batch,
                     const std::vector<RecordMeta> &metas) override;

 private:
  void prepare_table();
  std::optional<std::vector<sql::Column>> existing_columns();

  pg::Connection &connection_;
  sql::PostgresDialect dialect_;
  sql::TableName table_;
  sql::TablePlan plan_;
  std::unique_ptr<CopyEncoder> encoder_;
  bool hard_delete_;
  std::uint64_t batches_ = 0;
};

}  // namespace chorus::target_postgres
