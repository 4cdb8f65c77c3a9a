// What every stream of one target-redshift run shares: besides chorus's staged-load settings
// (S3 staging, default schema, hard_delete, grants), the session, the dialect and the COPY.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "chorus/warehouse/staged_sink.h"
#include "copy_executor.h"
#include "long_text.h"
#include "redshift_dialect.h"
#include "redshift_session.h"
#include "spectrum_catalog.h"

namespace chorus::target_redshift {

// The connection settings of the config. With "iam_auth", user and password are the temporary
// ones GetClusterCredentials issues, signed with the AWS credentials of S3 staging, in the
// staging region unless iam_auth names one.
ConnectionSettings connection_settings(const nlohmann::json &config,
                                       const s3::ClientConfig &staging);

struct LoadEnvironment : warehouse::StagedLoad {
  // S3 retries are logged on `context` (see warehouse::StagedLoad).
  LoadEnvironment(const nlohmann::json &config, const PluginContext &context);

  bool standin;  // copy_executor: postgres-standin (tests only)
  RedshiftDialect dialect;
  Session session;
  std::unique_ptr<CopyExecutor> copy;
  std::string iam_role;
  bool vacuum_after_load = false;
  bool analyze_after_load = false;
  LongText long_text = LongText::Refuse;

  // Spectrum's catalog (created on first use: the stand-in's creates its recording tables).
  ExternalCatalog &external_catalog();
  // Runs CREATE EXTERNAL SCHEMA ... IF NOT EXISTS once per schema and run.
  void ensure_external_schema(const std::string &schema, const std::string &catalog_database,
                              const std::string &role);

 private:
  std::unique_ptr<ExternalCatalog> external_catalog_;
  std::set<std::string> external_schemas_;
};

}  // namespace chorus::target_redshift
