// target-snowflake: loads Singer streams into Snowflake through S3 staging, COPY INTO a
// transient staging table and MERGE, over the SQL API v2 with key-pair authentication.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "chorus/plugin/settings.h"
#include "chorus/plugin/target.h"
#include "chorus/warehouse/staged_sink.h"
#include "chorus/warehouse/staged_target.h"
#include "snowflake_dialect.h"
#include "snowflake_statements.h"
#include "sql_api_client.h"

namespace chorus::target_snowflake {

// What every stream of one run shares: besides chorus's staged-load settings (S3 staging,
// default schema, hard_delete, grants), the SQL API client and where COPY reads the files.
struct SnowflakeLoad : warehouse::StagedLoad {
  SnowflakeLoad(const nlohmann::json &config, const PluginContext &context);

  SnowflakeDialect dialect;
  SqlApiClient api;
  StageSource source;
  std::string database;
};

// One stream's loads in chorus's staged-load shape (see chorus/warehouse/staged_sink.h). A
// batch is loaded by one multi-statement SQL API request, so that the transient staging table,
// the COPY INTO and the MERGE share one session and the MERGE commits as one transaction.
class SnowflakeSink : public warehouse::StagedWarehouseSink {
 public:
  SnowflakeSink(StreamInfo info, const nlohmann::json &config, const PluginContext &context,
                SnowflakeLoad &load);

 protected:
  std::vector<sql::CatalogRow> query(const std::string &sql) override;
  // All in one request.
  void execute(const std::vector<std::string> &statements) override;
  void load_staged(const s3::StagedBatch &batch, const std::string &prefix) override;
  // The configured database's information_schema.
  std::string information_schema() const override;
  // MERGE with a QUALIFY-de-duplicated source (see merge_from_staging()).
  std::vector<std::string> upsert_statements(const sql::TableName &staging,
                                             bool staging_keys_unique) const override;

 private:
  SnowflakeLoad &load_;
};

class SnowflakeTarget : public warehouse::StagedTarget<SnowflakeLoad, SnowflakeSink> {
 public:
  static PluginInfo info();
  using StagedTarget::StagedTarget;
};

}  // namespace chorus::target_snowflake
