#include "snowflake_target.h"

#include <fstream>

#include "chorus/plugin/errors.h"
#include "chorus/s3/staging_settings.h"
#include "chorus/sql/warehouse_load.h"

namespace chorus::target_snowflake {
namespace {

SqlApiSettings api_settings(const nlohmann::json &config) {
  SqlApiSettings settings;
  settings.account = config.value("account", "");
  settings.user = config.value("user", "");
  settings.private_key_pem = config.value("private_key", "");
  std::string path = config.value("private_key_path", "");
  if (settings.private_key_pem.empty() && !path.empty()) {
    std::ifstream in(path);
    if (!in) throw ConfigError("target-snowflake: cannot read private_key_path " + path);
    settings.private_key_pem.assign(std::istreambuf_iterator<char>(in), {});
  }
  if (settings.private_key_pem.empty()) {
    throw ConfigError("target-snowflake: set private_key (PEM text) or private_key_path");
  }
  settings.private_key_passphrase = config.value("private_key_passphrase", "");
  settings.database = config.value("database", "");
  settings.warehouse = config.value("warehouse", "");
  settings.role = config.value("role", "");
  settings.endpoint = config.value("sql_api_url", "");
  return settings;
}

}  // namespace

SnowflakeLoad::SnowflakeLoad(const nlohmann::json &config, const PluginContext &context)
    : StagedLoad("target-snowflake", config, &context), api(api_settings(config), &context) {
  database = config.value("database", "");
  source.stage = config.value("external_stage", "");
  source.storage_integration = config.value("storage_integration", "");
  source.aws_key_id = staging.client.credentials.access_key_id;
  source.aws_secret_key = staging.client.credentials.secret_access_key;
  source.aws_token = staging.client.credentials.session_token;
}

PluginInfo SnowflakeTarget::info() {
  nlohmann::json properties = s3::staging_settings_properties();
  properties.update(
      sql::warehouse_settings_properties("PUBLIC", R"("ANALYTICS": ["REPORTING_ROLE"])"));
  auto text = [](const char *description) {
    return nlohmann::json{{"type", "string"}, {"description", description}};
  };
  properties["account"] = text("Account identifier (\"myorg-myaccount\").");
  properties["user"] = text("User with an RSA public key (key-pair authentication).");
  properties["private_key"] = {
      {"type", "string"}, {"secret", true}, {"description", "The user's RSA private key, PEM."}};
  properties["private_key_path"] =
      text("File holding the private key, when private_key is absent.");
  properties["private_key_passphrase"] = {
      {"type", "string"}, {"secret", true}, {"description", "Passphrase of an encrypted key."}};
  properties["database"] = text("Database to load into.");
  properties["warehouse"] = text("Virtual warehouse that runs the loads.");
  properties["role"] = text("Role of the session.");
  properties["external_stage"] = text(
      "Named external stage (DB.SCHEMA.STAGE) whose URL is s3://<s3_bucket>/. When absent, "
      "COPY reads the bucket URL with storage_integration or the staging credentials.");
  properties["storage_integration"] = text("Storage integration for the bucket URL.");
  properties["sql_api_url"] =
      text("Base URL of the SQL API; default https://<account>.snowflakecomputing.com.");
  PluginInfo info;
  info.name = "target-snowflake";
  info.version = "0.1.0";
  info.description =
      "Loads Singer streams into Snowflake: CSV staged in S3, COPY INTO, then MERGE, over the "
      "SQL API.";
  info.capabilities = {"about", "activate-version", "soft-delete", "hard-delete",
                       "validate-records"};
  info.settings =
      with_common_target_settings({{"type", "object"},
                                   {"properties", properties},
                                   {"required", {"account", "user", "database", "s3_bucket"}}});
  return info;
}

std::unique_ptr<Sink> SnowflakeTarget::make_sink(const StreamInfo &stream) {
  return std::make_unique<SnowflakeSink>(stream, config(), context(), load());
}

}  // namespace chorus::target_snowflake
