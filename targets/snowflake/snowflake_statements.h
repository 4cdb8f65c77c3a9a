// The Snowflake-specific load statements: COPY INTO from the S3 stage with an explicit file
// format, and a MERGE whose source is de-duplicated with QUALIFY.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "chorus/s3/staging.h"
#include "snowflake_dialect.h"

namespace chorus::target_snowflake {

// Where COPY INTO reads the staged files: a named external stage ("DB.SCHEMA.STAGE", its URL
// covering the bucket and key prefix), or the bucket URL with a storage integration or with the
// staging key pair.
struct StageSource {
  std::string stage;                // named external stage; its URL is s3://<bucket>/
  std::string storage_integration;  // else: STORAGE_INTEGRATION = <name>
  std::string aws_key_id;           // else: CREDENTIALS = (AWS_KEY_ID ... )
  std::string aws_secret_key;
  std::string aws_token;
};

// COPY INTO "stage" ("A", "B") FROM '<s3://bucket/prefix/>' | @STAGE/prefix/
// FILES = ('part-00000.csv.zst', ...) FILE_FORMAT = (TYPE = CSV FIELD_DELIMITER = ','
// FIELD_OPTIONALLY_ENCLOSED_BY = '"' ESCAPE_UNENCLOSED_FIELD = NONE EMPTY_FIELD_AS_NULL = TRUE
// NULL_IF = () COMPRESSION = ZSTD) ON_ERROR = ABORT_STATEMENT PURGE = FALSE
// With `redact`, credentials are '***'.
std::string copy_into(const SnowflakeDialect &dialect, const sql::TableName &staging,
                      const std::vector<sql::Column> &columns, const s3::StagedBatch &batch,
                      const std::string &prefix, const StageSource &source, bool redact);

// MERGE INTO t USING (SELECT cols FROM stage QUALIFY ROW_NUMBER() OVER (PARTITION BY keys
// ORDER BY "_SDC_SEQUENCE" DESC) = 1) AS "_SDC_SOURCE" ON t.k = "_SDC_SOURCE".k WHEN MATCHED
// THEN UPDATE SET ... WHEN NOT MATCHED THEN INSERT (...) VALUES (...). Without keys: INSERT.
std::string merge_from_staging(const SnowflakeDialect &dialect, const sql::TableName &table,
                               const sql::TableName &staging,
                               const std::vector<sql::Column> &columns,
                               const std::vector<std::string> &key_columns,
                               const std::string &sequence_column);

}  // namespace chorus::target_snowflake
