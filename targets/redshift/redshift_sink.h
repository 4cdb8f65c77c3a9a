// One stream's loads: stage a batch as CSV in S3, COPY it into a temporary staging table,
// de-duplicate on the key properties, and DELETE + INSERT into the real table in one
// transaction (plain INSERT for streams without keys).
#pragma once

#include <optional>

#include "chorus/plugin/target.h"
#include "chorus/sql/table_plan.h"
#include "redshift_load.h"

namespace chorus::target_redshift {

class RedshiftSink : public BatchSink {
 public:
  RedshiftSink(StreamInfo info, const nlohmann::json &config, const PluginContext &context,
               LoadEnvironment &load);

  void activate_version(std::int64_t version) override;

  const sql::TableName &table() const { return table_; }

 protected:
  void process_batch(const singer::RecordBatch &batch,
                     const std::vector<RecordMeta> &metas) override;

 private:
  // Creates or evolves the table on first use (reads information_schema.columns).
  void ensure_table();
  void grant_access();
  void load(const s3::StagedBatch &staged);

  LoadEnvironment &load_;
  sql::TableName table_;
  sql::TableName staging_;
  std::optional<sql::TablePlan> plan_;
};

}  // namespace chorus::target_redshift
