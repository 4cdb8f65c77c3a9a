// IAM authentication: instead of a stored password, target-redshift asks the Redshift API for a
// temporary database password (GetClusterCredentials, or GetClusterCredentialsWithIAM), signed
// with SigV4 using the same AWS credentials as S3 staging, and signs in with it.
//
// The temporary password is only ever held in memory: no message, log line or error names it.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "chorus/plugin/setting.h"
#include "chorus/s3/credentials.h"

namespace chorus::target_redshift {

enum class IamCredentialsApi {
  GetClusterCredentials,         // DbUser from the config ("IAM:" or "IAMA:" prefixed)
  GetClusterCredentialsWithIAM,  // the database user is the caller's IAM identity
};

struct IamAuthSettings {
  IamCredentialsApi api = IamCredentialsApi::GetClusterCredentials;
  std::string cluster_identifier;
  std::string db_user;  // GetClusterCredentials only
  std::string db_name;  // optional: restricts the password to this database
  std::vector<std::string> db_groups;
  bool auto_create = false;
  int duration_seconds = 900;  // 900 to 3600
  std::string region;          // the cluster's region
  // Scheme and host of the API: https://redshift.<region>.amazonaws.com by default; a VPC
  // endpoint, or a stand-in in tests.
  std::string endpoint;

  // Reads the "iam_auth" object of the config. `user` and `dbname` are the connection's
  // settings (db_user defaults to user); `default_region` applies when iam_auth has no region.
  // Throws ConfigError naming the setting.
  static IamAuthSettings from_config(const nlohmann::json &iam_auth, const std::string &user,
                                     const std::string &dbname, const std::string &default_region);
  std::string endpoint_url() const;
  std::string action() const;  // "GetClusterCredentials" or "GetClusterCredentialsWithIAM"
};

// The "iam_auth" setting, an object whose members from_config() reads.
extern const Setting<nlohmann::json> kIamAuth;

struct ClusterCredentials {
  std::string db_user;      // "IAM:alice"
  std::string db_password;  // secret: never logged
  std::string expiration;   // "2024-01-01T10:15:00Z"
};

// The query-protocol parameters of the request, in the documented names: Action, Version
// (2012-12-01), ClusterIdentifier, DbUser, DbName, DbGroups.DbGroup.N, AutoCreate,
// DurationSeconds.
std::vector<std::pair<std::string, std::string>> credentials_request_parameters(
    const IamAuthSettings &settings);

// The form body of those parameters (application/x-www-form-urlencoded, RFC 3986 encoded).
std::string form_body(const std::vector<std::pair<std::string, std::string>> &parameters);

// Reads DbUser, DbPassword and Expiration from a GetClusterCredentialsResponse (or
// ...WithIAMResponse). Throws FatalError when DbUser or DbPassword is missing.
ClusterCredentials parse_credentials_response(std::string_view xml);

struct AwsErrorResponse {
  std::string code;     // "ClusterNotFound", "SignatureDoesNotMatch", ...
  std::string message;  // AWS's text
};
// Reads <ErrorResponse><Error><Code/><Message/></Error></ErrorResponse>; empty fields when
// the body has no such element.
AwsErrorResponse parse_error_response(std::string_view xml);

// Calls the API and returns the temporary credentials. `unix_time` signs the request (the
// current time in production). Throws ConfigError when AWS refuses the request (bad signature
// or keys, no permission, unknown cluster), RetryableError when the endpoint cannot be reached
// or keeps failing with 5xx/throttling; every message starts with "target-redshift:" and says
// what to check.
ClusterCredentials fetch_cluster_credentials(const IamAuthSettings &settings,
                                             const s3::Credentials &aws_credentials,
                                             long long unix_time);

}  // namespace chorus::target_redshift
