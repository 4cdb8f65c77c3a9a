// What every stream of one target-redshift run shares: the session, the S3 client, the dialect
// and the settings of a load.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "chorus/s3/client.h"
#include "chorus/s3/staging_settings.h"
#include "copy_executor.h"
#include "redshift_dialect.h"
#include "redshift_session.h"

namespace chorus::target_redshift {

struct LoadEnvironment {
  explicit LoadEnvironment(const nlohmann::json &config);

  bool standin;  // copy_executor: postgres-standin (tests only)
  RedshiftDialect dialect;
  s3::StagingSettings staging;
  s3::Client client;
  Session session;
  std::unique_ptr<CopyExecutor> copy;
  std::string default_schema;
  nlohmann::json grants;  // {"schema": ["GROUP g", "ROLE r", "user"]}
  bool hard_delete = false;
  bool vacuum_after_load = false;
  bool analyze_after_load = false;

  // `text` as a string literal for this warehouse.
  std::string literal(std::string_view text) const;
};

}  // namespace chorus::target_redshift
