// Redshift Spectrum: the statements that expose staged CSV files in S3 as an external table of
// the AWS Glue Data Catalog, queried in place instead of loaded.
//
// The file format, and why. chorus's CSV (chorus/s3/csv.h) quotes every text value, doubles
// embedded quotes and may hold commas and newlines inside quotes; only the OpenCSVSerde text
// SerDe that Spectrum supports reads that (ROW FORMAT DELIMITED, LazySimpleSerDe, would keep
// the quotes and split at quoted commas). OpenCSVSerde removes the quotes before Spectrum sees a
// field, so an unquoted empty field (NULL) and "" (the empty string) arrive alike; the table
// sets 'serialization.null.format' = '' so that they read as NULL: a NULL stays NULL (and an
// empty number or date is NULL rather than an error), while an empty string also reads as NULL.
// OpenCSVSerde's escape character is the backslash ('escapeChar' = '\\', its default, stated),
// so a backslash in a text value may not read back verbatim. Files are gzip (.gz): Spectrum
// picks the codec by file extension and gzip is the codec it documents for text files. No
// header line is written, so no 'skip.header.line.count'.
//
// Types: Spectrum reads text timestamps only as "yyyy-MM-dd HH:mm:ss.SSSSSS"; chorus writes
// RFC 3339 text, so date-time, time and every other non-numeric type is VARCHAR(65535), to be
// cast in a view. Integers, DECIMAL(p,s), DOUBLE PRECISION, BOOLEAN and DATE keep their types.
#pragma once

#include <string>
#include <vector>

#include "redshift_dialect.h"

namespace chorus::target_redshift {

// The type an external CSV table declares for `type` (see above).
std::string external_column_type(const sql::LogicalType &type);

// CREATE EXTERNAL SCHEMA IF NOT EXISTS "s" FROM DATA CATALOG DATABASE 'db' IAM_ROLE '...'
// CREATE EXTERNAL DATABASE IF NOT EXISTS
std::string create_external_schema(const RedshiftDialect &dialect, const std::string &schema,
                                   const std::string &catalog_database,
                                   const std::string &iam_role);

// CREATE EXTERNAL TABLE "s"."t" ("a" BIGINT, ...) ROW FORMAT SERDE
// 'org.apache.hadoop.hive.serde2.OpenCSVSerde' WITH SERDEPROPERTIES ('separatorChar' = ',',
// 'quoteChar' = '"', 'escapeChar' = '\\') STORED AS TEXTFILE LOCATION 's3://bucket/prefix/'
// TABLE PROPERTIES ('serialization.null.format' = '')
std::string create_external_table(const RedshiftDialect &dialect, const sql::TableName &table,
                                  const std::vector<sql::Column> &columns,
                                  const std::string &location);

// ALTER TABLE "s"."t" ADD COLUMN "c" VARCHAR(65535). Spectrum appends the column at the end;
// files written before it read NULL there.
std::string add_external_column(const RedshiftDialect &dialect, const sql::TableName &table,
                                const sql::Column &column);

// The columns of an external table, in table order: SVV_EXTERNAL_COLUMNS (external tables are
// not in information_schema). One row per column: its name.
std::string external_columns_query(const sql::TableName &table);

}  // namespace chorus::target_redshift
