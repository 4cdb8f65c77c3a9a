// The statements that move staged S3 files into Redshift, and those that explain a failure.
#pragma once

#include <string>
#include <vector>

#include "chorus/s3/staging.h"
#include "redshift_dialect.h"

namespace chorus::target_redshift {

// How COPY authenticates to S3: an IAM role the cluster may assume, else the key pair the
// target staged with (secret in the statement text, so such a statement is never logged).
struct CopyAuthorization {
  std::string iam_role;  // "arn:aws:iam::123456789012:role/load"
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
};

struct CopyOptions {
  std::string manifest_url;  // "s3://bucket/prefix/manifest.json"
  s3::Compression compression = s3::Compression::Zstd;
  std::string region;  // the bucket's region, when it differs from the cluster's
  CopyAuthorization authorization;
};

// COPY "stage" ("a", "b") FROM 's3://.../manifest.json' MANIFEST FORMAT AS CSV QUOTE AS '"'
// ZSTD EMPTYASNULL TIMEFORMAT 'auto' DATEFORMAT 'auto' ACCEPTINVCHARS COMPUPDATE OFF
// STATUPDATE OFF [REGION 'r'] IAM_ROLE '...' | ACCESS_KEY_ID '...' SECRET_ACCESS_KEY '...'
// [SESSION_TOKEN '...']. With `redact`, credentials appear as '***' (for logs and errors).
std::string copy_statement(const RedshiftDialect &dialect, const sql::TableName &staging,
                           const std::vector<sql::Column> &columns, const CopyOptions &options,
                           bool redact);

// The rows Redshift kept about the last COPY of this session that failed: SYS_LOAD_ERROR_DETAIL
// (Serverless and RA3) and STL_LOAD_ERRORS (provisioned clusters), newest first.
std::string load_errors_query_sys();
std::string load_errors_query_stl();

}  // namespace chorus::target_redshift
