// target-snowflake: loads Singer streams into Snowflake through S3 staging, COPY INTO a
// transient staging table and MERGE, over the SQL API v2 with key-pair authentication.
#pragma once

#include <memory>
#include <optional>

#include "chorus/plugin/settings.h"
#include "chorus/plugin/target.h"
#include "chorus/s3/client.h"
#include "chorus/s3/staging_settings.h"
#include "chorus/sql/table_plan.h"
#include "snowflake_dialect.h"
#include "snowflake_statements.h"
#include "sql_api_client.h"

namespace chorus::target_snowflake {

// What every stream of one run shares.
struct SnowflakeLoad {
  SnowflakeLoad(const nlohmann::json &config, const PluginContext &context);

  SnowflakeDialect dialect;
  s3::StagingSettings staging;
  s3::Client client;
  SqlApiClient api;
  StageSource source;
  std::string database;
  std::string default_schema;
  nlohmann::json grants;  // {"SCHEMA": ["ROLE_A", ...]}
  bool hard_delete = false;
};

class SnowflakeSink : public BatchSink {
 public:
  SnowflakeSink(StreamInfo info, const nlohmann::json &config, const PluginContext &context,
                SnowflakeLoad &load);
  void activate_version(std::int64_t version) override;

 protected:
  void process_batch(const singer::RecordBatch &batch,
                     const std::vector<RecordMeta> &metas) override;

 private:
  void ensure_table();
  SnowflakeLoad &load_;
  sql::TableName table_;
  sql::TableName staging_;
  std::optional<sql::TablePlan> plan_;
};

class SnowflakeTarget : public Target {
 public:
  static PluginInfo info();
  SnowflakeTarget(PluginContext context, nlohmann::json config)
      : Target(std::move(context), std::move(config)) {}
  std::unique_ptr<Sink> make_sink(const StreamInfo &stream) override;

 private:
  std::unique_ptr<SnowflakeLoad> load_;
};

}  // namespace chorus::target_snowflake
