#include "redshift_load.h"

#include <ctime>

#include "chorus/plugin/errors.h"
#include "iam_auth.h"
#include "redshift_settings.h"
#include "spectrum_ddl.h"

namespace chorus::target_redshift {
namespace {

bool standin_of(const nlohmann::json &config) {
  std::string executor = kCopyExecutor.read(config);
  if (executor == "redshift") return false;
  if (executor == "postgres-standin") return true;
  throw ConfigError("target-redshift: copy_executor '" + executor +
                    "': use redshift (postgres-standin is for chorus's own tests)");
}

}  // namespace

ConnectionSettings connection_settings(const nlohmann::json &config,
                                       const s3::ClientConfig &staging) {
  ConnectionSettings settings = ConnectionSettings::from_config(config);
  const std::optional<nlohmann::json> iam = kIamAuth.find(config);
  if (!iam) {
    if (settings.user.empty()) {
      throw ConfigError("target-redshift: set user (and password), or iam_auth to sign in");
    }
    return settings;
  }
  if (!settings.password.empty()) {
    throw ConfigError(
        "target-redshift: both password and iam_auth are set; remove one (iam_auth signs in "
        "with a temporary password)");
  }
  IamAuthSettings iam_settings =
      IamAuthSettings::from_config(*iam, settings.user, settings.dbname, staging.region);
  ClusterCredentials issued = fetch_cluster_credentials(iam_settings, staging.credentials,
                                                        static_cast<long long>(std::time(nullptr)));
  settings.user = issued.db_user;
  settings.password = issued.db_password;
  return settings;
}

LoadEnvironment::LoadEnvironment(const nlohmann::json &config, const PluginContext &context)
    : StagedLoad("target-redshift", config, &context),
      standin(standin_of(config)),
      dialect(standin),
      session(connection_settings(config, staging.client)) {
  iam_role = kIamRole.read(config);
  vacuum_after_load = kVacuumAfterLoad.read(config);
  analyze_after_load = kAnalyzeAfterLoad.read(config);
  long_text = long_text_of(config);
  if (standin) {
    copy = make_postgres_standin_copy(dialect, client);
    // The stand-in loads timestamps the way Redshift reads them: as UTC.
    session.execute("SET TIME ZONE 'UTC'");
  } else {
    CopyOptions base;
    base.region = staging.client.region;
    base.authorization.iam_role = iam_role;
    if (base.authorization.iam_role.empty()) {
      base.authorization.access_key_id = staging.client.credentials.access_key_id;
      base.authorization.secret_access_key = staging.client.credentials.secret_access_key;
      base.authorization.session_token = staging.client.credentials.session_token;
    }
    copy = make_redshift_copy(dialect, std::move(base), client);
  }
}

ExternalCatalog &LoadEnvironment::external_catalog() {
  if (!external_catalog_) {
    external_catalog_ =
        standin ? make_standin_external_catalog(session) : make_redshift_external_catalog(session);
  }
  return *external_catalog_;
}

void LoadEnvironment::ensure_external_schema(const std::string &schema,
                                             const std::string &catalog_database,
                                             const std::string &role) {
  if (!external_schemas_.insert(schema).second) return;
  external_catalog().apply(create_external_schema(dialect, schema, catalog_database, role),
                           {schema, ""}, {});
}

}  // namespace chorus::target_redshift
