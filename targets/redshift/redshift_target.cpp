#include "redshift_target.h"

#include "chorus/s3/staging_settings.h"
#include "chorus/sql/warehouse_load.h"
#include "iam_auth.h"
#include "redshift_sink.h"
#include "spectrum_sink.h"

namespace chorus::target_redshift {

PluginInfo RedshiftTarget::info() {
  nlohmann::json properties = s3::staging_settings_properties();
  properties.update(sql::warehouse_settings_properties(
      "public", R"("analytics": ["GROUP analysts", "ROLE reporting", "alice"])"));
  auto text = [](const char *description) {
    return nlohmann::json{{"type", "string"}, {"description", description}};
  };
  properties["host"] = text("Cluster endpoint host.");
  properties["port"] = {{"type", "integer"}, {"default", 5439}, {"description", "Cluster port."}};
  properties["dbname"] = text("Database.");
  properties["user"] = text("Database user (with iam_auth: the default db_user).");
  properties["password"] = {
      {"type", "string"}, {"secret", true}, {"description", "Password of user."}};
  properties["iam_auth"] = iam_auth_settings_schema();
  properties["sslmode"] = {
      {"type", "string"},
      {"enum", {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"}},
      {"default", "require"},
      {"description", "libpq sslmode of the connection."}};
  properties["connect_timeout"] = {
      {"type", "integer"}, {"default", 10}, {"description", "Seconds to wait for a connection."}};
  properties["iam_role"] = text(
      "ARN of an IAM role the cluster assumes to read staged files (and Spectrum's role for "
      "external_tables). When absent, COPY uses the staging credentials.");
  properties["external_tables"] = external_tables_settings_schema();
  properties["vacuum_after_load"] = {
      {"type", "boolean"}, {"default", false}, {"description", "VACUUM a table after each load."}};
  properties["analyze_after_load"] = {
      {"type", "boolean"}, {"default", false}, {"description", "ANALYZE a table after each load."}};
  properties["long_text"] = {
      {"type", "string"},
      {"enum", {"refuse", "truncate"}},
      {"default", "refuse"},
      {"description",
       "A string longer in bytes than its VARCHAR column (at most 65,535 bytes): refuse fails "
       "the run naming stream, Singer line, property and value, before anything of its batch "
       "is loaded; truncate cuts it to what fits, at a UTF-8 character boundary, and warns once "
       "per stream and property. Tables only, not external_tables."}};
  properties["copy_executor"] = {
      {"type", "string"},
      {"enum", {"redshift", "postgres-standin"}},
      {"default", "redshift"},
      {"description",
       "redshift: COPY from S3. postgres-standin is for chorus's own tests: it loads into "
       "PostgreSQL by reading the staged files back (SUPER becomes jsonb)."}};
  PluginInfo info;
  info.name = "target-redshift";
  info.version = "0.1.0";
  info.description =
      "Loads Singer streams into Amazon Redshift: CSV staged in S3, COPY, then de-duplicated "
      "upserts.";
  info.capabilities = {"about", "activate-version", "soft-delete", "hard-delete",
                       "validate-records"};
  info.settings = with_common_target_settings({{"type", "object"},
                                               {"properties", properties},
                                               {"required", {"host", "dbname", "s3_bucket"}}});
  return info;
}

std::unique_ptr<Sink> RedshiftTarget::make_sink(const StreamInfo &stream) {
  LoadEnvironment &load = this->load();
  const auto external = config().find("external_tables");
  if (external != config().end() && external->is_object() && external->contains(stream.name)) {
    return std::make_unique<SpectrumSink>(
        stream, config(), context(), load,
        ExternalTableSettings::from_config(stream.name, (*external)[stream.name], config(), load));
  }
  return std::make_unique<RedshiftSink>(stream, config(), context(), load);
}

}  // namespace chorus::target_redshift
