#include "redshift_copy.h"

#include "chorus/sql/statements.h"

namespace chorus::target_redshift {

std::string copy_statement(const RedshiftDialect &dialect, const sql::TableName &staging,
                           const std::vector<sql::Column> &columns, const CopyOptions &options,
                           bool redact) {
  auto secret = [&](const std::string &value) {
    return redact ? std::string("'***'") : sql::backslash_escaped_literal(value);
  };
  std::string sql = "COPY " + dialect.qualified(staging) + " (" +
                    sql::column_list(dialect, columns) + ") FROM " +
                    sql::backslash_escaped_literal(options.manifest_url) + " MANIFEST";
  // The CSV convention of chorus::s3: an unquoted empty field is NULL, "" an empty string.
  sql += " FORMAT AS CSV QUOTE AS '\"'";
  if (options.compression != s3::Compression::None) {
    sql += " " + std::string(s3::copy_keyword(options.compression));
  }
  sql +=
      " EMPTYASNULL TIMEFORMAT 'auto' DATEFORMAT 'auto' ACCEPTINVCHARS"
      " COMPUPDATE OFF STATUPDATE OFF";
  if (!options.region.empty()) sql += " REGION " + sql::backslash_escaped_literal(options.region);
  const CopyAuthorization &auth = options.authorization;
  if (!auth.iam_role.empty()) {
    sql += " IAM_ROLE " + sql::backslash_escaped_literal(auth.iam_role);
  } else {
    sql += " ACCESS_KEY_ID " + secret(auth.access_key_id) + " SECRET_ACCESS_KEY " +
           secret(auth.secret_access_key);
    if (!auth.session_token.empty()) sql += " SESSION_TOKEN " + secret(auth.session_token);
  }
  return sql;
}

std::string load_errors_query_sys() {
  return "SELECT line_number, column_name, error_message, TRIM(file_name) "
         "FROM sys_load_error_detail WHERE query_id = pg_last_copy_id() "
         "ORDER BY start_time DESC LIMIT 10";
}

std::string load_errors_query_stl() {
  return "SELECT line_number, TRIM(colname), TRIM(err_reason), TRIM(filename) "
         "FROM stl_load_errors WHERE query = pg_last_copy_id() "
         "ORDER BY starttime DESC LIMIT 10";
}

}  // namespace chorus::target_redshift
