#include "snowflake_statements.h"

#include "chorus/sql/statements.h"

namespace chorus::target_snowflake {

using sql::backslash_escaped_literal;  // Snowflake reads backslash escapes in literals

std::string copy_into(const SnowflakeDialect &dialect, const sql::TableName &staging,
                      const std::vector<sql::Column> &columns, const s3::StagedBatch &batch,
                      const std::string &prefix, const StageSource &source, bool redact) {
  std::string sql = "COPY INTO " + dialect.qualified(staging) + " (" +
                    sql::column_list(dialect, columns) + ") FROM ";
  if (!source.stage.empty()) {
    sql += "@" + source.stage + "/" + prefix;
  } else {
    sql += backslash_escaped_literal("s3://" + batch.bucket + "/" + prefix);
    if (!source.storage_integration.empty()) {
      sql += " STORAGE_INTEGRATION = " + source.storage_integration;
    } else {
      auto secret = [&](const std::string &value) {
        return redact ? std::string("'***'") : backslash_escaped_literal(value);
      };
      sql += " CREDENTIALS = (AWS_KEY_ID = " + secret(source.aws_key_id) +
             " AWS_SECRET_KEY = " + secret(source.aws_secret_key);
      if (!source.aws_token.empty()) sql += " AWS_TOKEN = " + secret(source.aws_token);
      sql += ")";
    }
  }
  sql += " FILES = (";
  for (std::size_t i = 0; i < batch.files.size(); ++i) {
    if (i > 0) sql += ", ";
    sql += backslash_escaped_literal(batch.files[i].key.substr(prefix.size()));
  }
  // The CSV convention of chorus::s3: an unquoted empty field is NULL, "" an empty string.
  sql +=
      ") FILE_FORMAT = (TYPE = CSV FIELD_DELIMITER = ',' FIELD_OPTIONALLY_ENCLOSED_BY = '\"'"
      " ESCAPE_UNENCLOSED_FIELD = NONE EMPTY_FIELD_AS_NULL = TRUE NULL_IF = () COMPRESSION = ";
  sql += s3::copy_keyword(batch.compression);
  sql += ") ON_ERROR = ABORT_STATEMENT PURGE = FALSE";
  return sql;
}

std::string merge_from_staging(const SnowflakeDialect &dialect, const sql::TableName &table,
                               const sql::TableName &staging,
                               const std::vector<sql::Column> &columns,
                               const std::vector<std::string> &key_columns,
                               const std::string &sequence_column) {
  const std::string names = sql::column_list(dialect, columns);
  const std::string target = dialect.qualified(table);
  if (key_columns.empty()) {
    return "INSERT INTO " + target + " (" + names + ") SELECT " + names + " FROM " +
           dialect.qualified(staging);
  }
  std::string partition;
  for (std::size_t i = 0; i < key_columns.size(); ++i) {
    if (i > 0) partition += ", ";
    partition += dialect.quote(key_columns[i]);
  }
  const std::string source = dialect.quote("_SDC_SOURCE");
  std::string sql = "MERGE INTO " + target + " USING (SELECT " + names + " FROM " +
                    dialect.qualified(staging) + " QUALIFY ROW_NUMBER() OVER (PARTITION BY " +
                    partition + " ORDER BY " + dialect.quote(sequence_column) + " DESC) = 1) AS " +
                    source + " ON ";
  for (std::size_t i = 0; i < key_columns.size(); ++i) {
    if (i > 0) sql += " AND ";
    sql += target + "." + dialect.quote(key_columns[i]) + " = " + source + "." +
           dialect.quote(key_columns[i]);
  }
  std::string updates;
  for (const sql::Column &column : columns) {
    bool is_key = false;
    for (const std::string &key : key_columns) is_key = is_key || key == column.name;
    if (is_key) continue;
    if (!updates.empty()) updates += ", ";
    updates += dialect.quote(column.name) + " = " + source + "." + dialect.quote(column.name);
  }
  if (!updates.empty()) sql += " WHEN MATCHED THEN UPDATE SET " + updates;
  sql += " WHEN NOT MATCHED THEN INSERT (" + names + ") VALUES (" +
         sql::column_list(dialect, columns, source + ".") + ")";
  return sql;
}

}  // namespace chorus::target_snowflake
