// One stream's loads into a Redshift table, in chorus's staged-load shape (see
// chorus/warehouse/staged_sink.h): the batch's CSV files in S3 are COPYed into a temporary
// staging table, de-duplicated on the key properties, and DELETE + INSERTed into the table in
// one transaction (plain INSERT for streams without keys).
#pragma once

#include "chorus/warehouse/staged_sink.h"
#include "redshift_load.h"

namespace chorus::target_redshift {

class RedshiftSink : public warehouse::StagedWarehouseSink {
 public:
  RedshiftSink(StreamInfo info, const nlohmann::json &config, const PluginContext &context,
               LoadEnvironment &load);

 protected:
  std::vector<sql::CatalogRow> query(const std::string &sql) override;
  // One statement at a time, outside any transaction: Redshift cannot alter a column type
  // inside a transaction block.
  void execute(const std::vector<std::string> &statements) override;
  // COPY (or the stand-in's COPY FROM STDIN), merge and drop in one transaction; a rejected
  // COPY is reported with the rows and reasons Redshift kept.
  void load_staged(const s3::StagedBatch &batch, const std::string &prefix) override;
  // vacuum_after_load, analyze_after_load.
  void after_load() override;
  // With long_text: truncate, the batch with its too long text values cut.
  const singer::RecordBatch &fit_values(const singer::RecordBatch &batch) override;

 private:
  LoadEnvironment &load_;
  LongTextCutter long_text_;
};

}  // namespace chorus::target_redshift
