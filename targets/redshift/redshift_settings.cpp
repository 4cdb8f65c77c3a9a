#include "redshift_settings.h"

#include "iam_auth.h"

namespace chorus::target_redshift {

const Setting<std::string> kHost =
    Setting<std::string>("host", "Cluster endpoint host.").required();
const Setting<int> kPort = Setting<int>("port", "Cluster port.").defaults_to(5439);
const Setting<std::string> kDbname = Setting<std::string>("dbname", "Database.").required();
const Setting<std::string> kUser =
    Setting<std::string>("user", "Database user (with iam_auth: the default db_user).");
const Setting<std::string> kPassword =
    Setting<std::string>("password", "Password of user.").secret();
const Setting<std::string> kSslmode =
    Setting<std::string>("sslmode", "libpq sslmode of the connection.")
        .one_of({"disable", "allow", "prefer", "require", "verify-ca", "verify-full"})
        .defaults_to("require");
const Setting<int> kConnectTimeout =
    Setting<int>("connect_timeout", "Seconds to wait for a connection.").defaults_to(10);
const Setting<std::string> kIamRole = Setting<std::string>(
    "iam_role",
    "ARN of an IAM role the cluster assumes to read staged files (and Spectrum's role for "
    "external_tables). When absent, COPY uses the staging credentials.");
const Setting<bool> kVacuumAfterLoad =
    Setting<bool>("vacuum_after_load", "VACUUM a table after each load.").defaults_to(false);
const Setting<bool> kAnalyzeAfterLoad =
    Setting<bool>("analyze_after_load", "ANALYZE a table after each load.").defaults_to(false);
const Setting<std::string> kLongText =
    Setting<std::string>(
        "long_text",
        "A string longer in bytes than its VARCHAR column (at most 65,535 bytes): refuse fails "
        "the run naming stream, Singer line, property and value, before anything of its batch "
        "is loaded; truncate cuts it to what fits, at a UTF-8 character boundary, and warns once "
        "per stream and property. Tables only, not external_tables.")
        .one_of({"refuse", "truncate"})
        .defaults_to("refuse");
const Setting<std::string> kCopyExecutor =
    Setting<std::string>("copy_executor",
                         "redshift: COPY from S3. postgres-standin is for chorus's own tests: it "
                         "loads into PostgreSQL by reading the staged files back (SUPER becomes "
                         "jsonb).")
        .one_of({"redshift", "postgres-standin"})
        .defaults_to("redshift");

SettingList redshift_setting_list() {
  return {&kHost,
          &kPort,
          &kDbname,
          &kUser,
          &kPassword,
          &kIamAuth,
          &kSslmode,
          &kConnectTimeout,
          &kIamRole,
          &kVacuumAfterLoad,
          &kAnalyzeAfterLoad,
          &kLongText,
          &kCopyExecutor};
}

}  // namespace chorus::target_redshift
