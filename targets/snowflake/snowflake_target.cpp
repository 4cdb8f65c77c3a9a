#include "snowflake_target.h"

#include <fstream>

#include "chorus/plugin/errors.h"
#include "chorus/plugin/setting.h"
#include "chorus/sql/warehouse_load.h"

namespace chorus::target_snowflake {
namespace {

const Setting<std::string> kAccount =
    Setting<std::string>("account", "Account identifier (\"myorg-myaccount\").").required();
const Setting<std::string> kUser =
    Setting<std::string>("user", "User with an RSA public key (key-pair authentication).")
        .required();
const Setting<std::string> kPrivateKey =
    Setting<std::string>("private_key", "The user's RSA private key, PEM.").secret();
const Setting<std::string> kPrivateKeyPath = Setting<std::string>(
    "private_key_path", "File holding the private key, when private_key is absent.");
const Setting<std::string> kPrivateKeyPassphrase =
    Setting<std::string>("private_key_passphrase", "Passphrase of an encrypted key.").secret();
const Setting<std::string> kDatabase =
    Setting<std::string>("database", "Database to load into.").required();
const Setting<std::string> kWarehouse =
    Setting<std::string>("warehouse", "Virtual warehouse that runs the loads.");
const Setting<std::string> kRole = Setting<std::string>("role", "Role of the session.");
const Setting<std::string> kExternalStage = Setting<std::string>(
    "external_stage",
    "Named external stage (DB.SCHEMA.STAGE) whose URL is s3://<s3_bucket>/. When absent, COPY "
    "reads the bucket URL with storage_integration or the staging credentials.");
const Setting<std::string> kStorageIntegration =
    Setting<std::string>("storage_integration", "Storage integration for the bucket URL.");
const Setting<std::string> kSqlApiUrl = Setting<std::string>(
    "sql_api_url", "Base URL of the SQL API; default https://<account>.snowflakecomputing.com.");

SqlApiSettings api_settings(const nlohmann::json &config) {
  SqlApiSettings settings;
  settings.account = kAccount.read(config);
  settings.user = kUser.read(config);
  settings.private_key_pem = kPrivateKey.read(config);
  std::string path = kPrivateKeyPath.read(config);
  if (settings.private_key_pem.empty() && !path.empty()) {
    std::ifstream in(path);
    if (!in) throw ConfigError("target-snowflake: cannot read private_key_path " + path);
    settings.private_key_pem.assign(std::istreambuf_iterator<char>(in), {});
  }
  if (settings.private_key_pem.empty()) {
    throw ConfigError("target-snowflake: set private_key (PEM text) or private_key_path");
  }
  settings.private_key_passphrase = kPrivateKeyPassphrase.read(config);
  settings.database = kDatabase.read(config);
  settings.warehouse = kWarehouse.read(config);
  settings.role = kRole.read(config);
  settings.endpoint = kSqlApiUrl.read(config);
  return settings;
}

}  // namespace

SnowflakeLoad::SnowflakeLoad(const nlohmann::json &config, const PluginContext &context)
    : StagedLoad("target-snowflake", config, &context), api(api_settings(config), &context) {
  database = kDatabase.read(config);
  source.stage = kExternalStage.read(config);
  source.storage_integration = kStorageIntegration.read(config);
  source.aws_key_id = staging.client.credentials.access_key_id;
  source.aws_secret_key = staging.client.credentials.secret_access_key;
  source.aws_token = staging.client.credentials.session_token;
}

PluginInfo SnowflakeTarget::info() {
  return warehouse::staged_target_info(
      {"target-snowflake", "0.1.0",
       "Loads Singer streams into Snowflake: CSV staged in S3, COPY INTO, then MERGE, over the "
       "SQL API."},
      SettingList{&kAccount, &kUser, &kPrivateKey, &kPrivateKeyPath, &kPrivateKeyPassphrase,
                  &kDatabase, &kWarehouse, &kRole, &kExternalStage, &kStorageIntegration,
                  &kSqlApiUrl},
      sql::warehouse_settings_properties("PUBLIC", R"("ANALYTICS": ["REPORTING_ROLE"])"));
}

}  // namespace chorus::target_snowflake
