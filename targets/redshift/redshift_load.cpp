#include "redshift_load.h"

#include "chorus/plugin/errors.h"

namespace chorus::target_redshift {
namespace {

bool standin_of(const nlohmann::json &config) {
  std::string executor = config.value("copy_executor", "redshift");
  if (executor == "redshift") return false;
  if (executor == "postgres-standin") return true;
  throw ConfigError("target-redshift: copy_executor '" + executor +
                    "': use redshift (postgres-standin is for chorus's own tests)");
}

}  // namespace

LoadEnvironment::LoadEnvironment(const nlohmann::json &config)
    : standin(standin_of(config)),
      dialect(standin),
      staging(s3::staging_settings(config)),
      client(staging.client),
      session(ConnectionSettings::from_config(config)) {
  default_schema = config.value("default_target_schema", "");
  grants = config.value("grants", nlohmann::json::object());
  hard_delete = config.value("hard_delete", false);
  vacuum_after_load = config.value("vacuum_after_load", false);
  analyze_after_load = config.value("analyze_after_load", false);
  if (standin) {
    copy = make_postgres_standin_copy(dialect, client);
    // The stand-in loads timestamps the way Redshift reads them: as UTC.
    session.execute("SET TIME ZONE 'UTC'");
  } else {
    CopyOptions base;
    base.region = config.value("s3_region", "");
    base.authorization.iam_role = config.value("iam_role", "");
    if (base.authorization.iam_role.empty()) {
      base.authorization.access_key_id = staging.client.credentials.access_key_id;
      base.authorization.secret_access_key = staging.client.credentials.secret_access_key;
      base.authorization.session_token = staging.client.credentials.session_token;
    }
    copy = make_redshift_copy(dialect, std::move(base), client);
  }
}

std::string LoadEnvironment::literal(std::string_view text) const {
  std::string out = "'";
  for (char c : text) {
    // Redshift reads a backslash in a literal as an escape; PostgreSQL (standard strings) not.
    if (c == '\'' || (c == '\\' && !standin)) out.push_back(c);
    out.push_back(c);
  }
  return out + "'";
}

}  // namespace chorus::target_redshift
