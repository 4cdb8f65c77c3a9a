#include "iam_auth.h"

#include "chorus/http/client.h"
#include "chorus/plugin/errors.h"
#include "chorus/s3/sigv4.h"
#include "chorus/s3/xml_text.h"

namespace chorus::target_redshift {
namespace {

constexpr const char *kApiVersion = "2012-12-01";

std::string host_of(const std::string &url) {
  std::size_t scheme = url.find("://");
  std::size_t start = scheme == std::string::npos ? 0 : scheme + 3;
  std::size_t end = url.find('/', start);
  return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

std::string trimmed_url(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

const Setting<std::string> kApi =
    Setting<std::string>("api",
                         "GetClusterCredentials signs in as db_user (IAM:<db_user>); "
                         "GetClusterCredentialsWithIAM as the database user of the caller's IAM "
                         "identity.")
        .one_of({"GetClusterCredentials", "GetClusterCredentialsWithIAM"})
        .defaults_to("GetClusterCredentials");
const Setting<std::string> kClusterIdentifier =
    Setting<std::string>("cluster_identifier", "The cluster's identifier.").required();
const Setting<std::string> kDbUser =
    Setting<std::string>("db_user", "Database user to sign in as. Default: the user setting.");
const Setting<std::string> kDbName =
    Setting<std::string>("db_name", "Database the password is limited to. Default: dbname.");
const Setting<std::vector<std::string>> kDbGroups = Setting<std::vector<std::string>>(
    "db_groups", "Database groups the user joins for the session.");
const Setting<bool> kAutoCreate =
    Setting<bool>("auto_create", "Create db_user when it does not exist.").defaults_to(false);
const Setting<int> kDurationSeconds =
    Setting<int>("duration_seconds", "Lifetime of the temporary password, 900 to 3600 seconds.")
        .defaults_to(900);
const Setting<std::string> kRegion =
    Setting<std::string>("region", "The cluster's AWS region. Default: s3_region, else us-east-1.");
const Setting<std::string> kEndpoint = Setting<std::string>(
    "endpoint", "URL of the Redshift API. Default: https://redshift.<region>.amazonaws.com.");

}  // namespace

const Setting<nlohmann::json> kIamAuth =
    Setting<nlohmann::json>("iam_auth",
                            "Sign in with a temporary password from the Redshift API instead of "
                            "password, using the AWS credentials of S3 staging.")
        .with_settings({&kApi, &kClusterIdentifier, &kDbUser, &kDbName, &kDbGroups, &kAutoCreate,
                        &kDurationSeconds, &kRegion, &kEndpoint});

IamAuthSettings IamAuthSettings::from_config(const nlohmann::json &iam_auth,
                                             const std::string &user, const std::string &dbname,
                                             const std::string &default_region) {
  if (!iam_auth.is_object()) {
    throw ConfigError("target-redshift: setting 'iam_auth' must be an object");
  }
  IamAuthSettings settings;
  std::string api = kApi.read(iam_auth);
  if (api == "GetClusterCredentials") {
    settings.api = IamCredentialsApi::GetClusterCredentials;
  } else if (api == "GetClusterCredentialsWithIAM") {
    settings.api = IamCredentialsApi::GetClusterCredentialsWithIAM;
  } else {
    throw ConfigError("target-redshift: iam_auth.api '" + api +
                      "': use GetClusterCredentials or GetClusterCredentialsWithIAM");
  }
  settings.cluster_identifier = kClusterIdentifier.read(iam_auth);
  if (settings.cluster_identifier.empty()) {
    throw ConfigError(
        "target-redshift: iam_auth needs cluster_identifier (the cluster's name in the Redshift "
        "console)");
  }
  settings.db_user = kDbUser.find(iam_auth).value_or(user);
  if (settings.api == IamCredentialsApi::GetClusterCredentials && settings.db_user.empty()) {
    throw ConfigError(
        "target-redshift: iam_auth with GetClusterCredentials needs a database user: set "
        "iam_auth.db_user or user");
  }
  settings.db_name = kDbName.find(iam_auth).value_or(dbname);
  settings.db_groups = kDbGroups.read(iam_auth);
  settings.auto_create = kAutoCreate.read(iam_auth);
  settings.duration_seconds = kDurationSeconds.read(iam_auth);
  if (settings.duration_seconds < 900 || settings.duration_seconds > 3600) {
    throw ConfigError("target-redshift: iam_auth.duration_seconds " +
                      std::to_string(settings.duration_seconds) +
                      " is outside 900..3600, the range Redshift accepts");
  }
  settings.region = kRegion.find(iam_auth).value_or(default_region);
  if (settings.region.empty()) settings.region = "us-east-1";
  settings.endpoint = kEndpoint.read(iam_auth);
  return settings;
}

std::string IamAuthSettings::endpoint_url() const {
  if (!endpoint.empty()) return trimmed_url(endpoint) + "/";
  return "https://redshift." + region + ".amazonaws.com/";
}

std::string IamAuthSettings::action() const {
  return api == IamCredentialsApi::GetClusterCredentials ? "GetClusterCredentials"
                                                         : "GetClusterCredentialsWithIAM";
}

std::vector<std::pair<std::string, std::string>> credentials_request_parameters(
    const IamAuthSettings &settings) {
  std::vector<std::pair<std::string, std::string>> parameters{{"Action", settings.action()},
                                                              {"Version", kApiVersion}};
  parameters.emplace_back("ClusterIdentifier", settings.cluster_identifier);
  if (settings.api == IamCredentialsApi::GetClusterCredentials) {
    parameters.emplace_back("DbUser", settings.db_user);
  }
  if (!settings.db_name.empty()) parameters.emplace_back("DbName", settings.db_name);
  parameters.emplace_back("DurationSeconds", std::to_string(settings.duration_seconds));
  if (settings.api == IamCredentialsApi::GetClusterCredentials) {
    parameters.emplace_back("AutoCreate", settings.auto_create ? "true" : "false");
    for (std::size_t i = 0; i < settings.db_groups.size(); ++i) {
      parameters.emplace_back("DbGroups.DbGroup." + std::to_string(i + 1), settings.db_groups[i]);
    }
  }
  return parameters;
}

std::string form_body(const std::vector<std::pair<std::string, std::string>> &parameters) {
  std::string body;
  for (const auto &[name, value] : parameters) {
    if (!body.empty()) body += "&";
    body += s3::uri_encode(name, true) + "=" + s3::uri_encode(value, true);
  }
  return body;
}

ClusterCredentials parse_credentials_response(std::string_view xml) {
  ClusterCredentials credentials;
  credentials.db_user = s3::xml_text(xml, "DbUser");
  credentials.db_password = s3::xml_text(xml, "DbPassword");
  credentials.expiration = s3::xml_text(xml, "Expiration");
  // An empty password is still an answer; a missing element is not.
  if (s3::xml_elements(xml, "DbPassword").empty() || credentials.db_user.empty()) {
    throw FatalError(
        "target-redshift: the Redshift API answered without DbUser and DbPassword; check "
        "iam_auth.endpoint");
  }
  return credentials;
}

AwsErrorResponse parse_error_response(std::string_view xml) {
  return {s3::xml_text(xml, "Code"), s3::xml_text(xml, "Message")};
}

ClusterCredentials fetch_cluster_credentials(const IamAuthSettings &settings,
                                             const s3::Credentials &aws_credentials,
                                             long long unix_time) {
  const std::string url = settings.endpoint_url();
  const std::string what = "target-redshift: " + settings.action() + " for cluster '" +
                           settings.cluster_identifier + "' (region " + settings.region + ", " +
                           url + ")";
  http::HttpRequest request;
  request.method = "POST";
  request.url = url;
  request.body = form_body(credentials_request_parameters(settings));

  s3::SigningRequest signing;
  signing.method = "POST";
  signing.canonical_uri = "/";
  signing.payload_hash = s3::sha256_hex(request.body);
  signing.headers = {{"content-type", "application/x-www-form-urlencoded; charset=utf-8"},
                     {"host", host_of(url)},
                     {"x-amz-date", s3::amz_date(unix_time)}};
  if (!aws_credentials.session_token.empty()) {
    signing.headers.emplace_back("x-amz-security-token", aws_credentials.session_token);
  }
  const s3::SigningScope scope{s3::amz_date(unix_time), settings.region, "redshift"};
  request.headers = signing.headers;
  request.headers.emplace_back("authorization",
                               s3::authorization_header(signing, scope, aws_credentials));

  http::HttpClientOptions options;
  options.timeout_seconds = 60;
  options.connect_timeout_seconds = 10;
  options.retry.max_retries = 2;
  options.retry.base_backoff_seconds = 0.5;
  options.retry.max_backoff_seconds = 4;
  options.user_agent = "chorus target-redshift";
  http::HttpClient client(options);
  http::HttpResponse response;
  try {
    response = client.send(request, "redshift " + settings.action());
  } catch (const std::exception &error) {
    throw RetryableError(what + ": cannot reach the Redshift API (" + error.what() +
                         "); check iam_auth.region, iam_auth.endpoint and the network");
  }
  if (response.ok()) return parse_credentials_response(response.body);

  AwsErrorResponse aws = parse_error_response(response.body);
  std::string reason = "HTTP " + std::to_string(response.status);
  if (!aws.code.empty()) reason += " " + aws.code;
  if (!aws.message.empty()) reason += ": " + aws.message;
  const std::string keys = "the AWS credentials (from " +
                           (aws_credentials.source.empty() ? "config" : aws_credentials.source) +
                           ")";
  if (aws.code == "ClusterNotFound" || aws.code == "ClusterNotFoundFault") {
    throw ConfigError(what + " failed: " + reason +
                      "; check iam_auth.cluster_identifier and iam_auth.region");
  }
  if (aws.code == "SignatureDoesNotMatch" || aws.code == "IncompleteSignature" ||
      aws.code == "InvalidClientTokenId" || aws.code == "MissingAuthenticationToken" ||
      aws.code == "ExpiredToken" || aws.code == "UnrecognizedClientException") {
    throw ConfigError(what + " was refused: " + reason + "; check " + keys +
                      ": the secret key must belong to the access key id, and temporary keys "
                      "need their session token");
  }
  if (response.status == 403 || aws.code == "AccessDenied" || aws.code == "AccessDeniedException") {
    throw ConfigError(what + " was refused: " + reason + "; check that " + keys +
                      " may call redshift:" + settings.action() +
                      " on this cluster, database user and groups");
  }
  if (http::is_retryable_status(response.status) || aws.code == "Throttling") {
    throw RetryableError(what + " failed: " + reason + "; the run can be retried");
  }
  throw ConfigError(what + " failed: " + reason + "; check the iam_auth settings");
}

}  // namespace chorus::target_redshift
