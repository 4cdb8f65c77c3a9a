// How staged files get into the staging table. Redshift reads them from S3 itself (COPY ...
// MANIFEST). The PostgreSQL stand-in, a test-only mode, reads the manifest and the very objects
// that were uploaded, decompresses them and feeds them to COPY ... FROM STDIN (FORMAT csv), so
// everything but the COPY-from-S3 step runs on a real server.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "chorus/s3/client.h"
#include "chorus/s3/staging.h"
#include "redshift_copy.h"
#include "redshift_session.h"

namespace chorus::target_redshift {

class CopyExecutor {
 public:
  virtual ~CopyExecutor() = default;
  // Loads every file of `batch` into `staging`, inside the session's open transaction.
  virtual void copy(Session &session, const sql::TableName &staging,
                    const std::vector<sql::Column> &columns, const s3::StagedBatch &batch) = 0;
  // After a failed copy (the transaction rolled back): what the warehouse says went wrong,
  // one line per rejected row; empty when it keeps no details.
  virtual std::string explain_failure(Session &session) = 0;
};

// Sends the Redshift COPY statement. `base` carries compression, region and authorization;
// the manifest URL is filled in per batch.
std::unique_ptr<CopyExecutor> make_redshift_copy(const RedshiftDialect &dialect, CopyOptions base,
                                                 const s3::Client &client);

// Test only: COPY FROM STDIN on PostgreSQL from the staged objects, read back with `client`.
std::unique_ptr<CopyExecutor> make_postgres_standin_copy(const RedshiftDialect &dialect,
                                                         s3::Client &client);

}  // namespace chorus::target_redshift
