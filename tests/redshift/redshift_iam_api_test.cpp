// The Redshift API requests and answers of IAM authentication, without a server: the documented
// parameter names, the form encoding, and reading the XML answers.
#include <doctest/doctest.h>

#include "chorus/plugin/errors.h"
#include "iam_auth.h"

using namespace chorus::target_redshift;

TEST_CASE("GetClusterCredentials parameters use the documented names and list encoding") {
  IamAuthSettings settings = IamAuthSettings::from_config(
      {{"cluster_identifier", "prod"}, {"db_groups", {"loaders", "etl"}}, {"auto_create", true}},
      "alice", "analytics", "eu-west-1");
  using Parameters = std::vector<std::pair<std::string, std::string>>;
  CHECK(credentials_request_parameters(settings) == Parameters{{"Action", "GetClusterCredentials"},
                                                               {"Version", "2012-12-01"},
                                                               {"ClusterIdentifier", "prod"},
                                                               {"DbUser", "alice"},
                                                               {"DbName", "analytics"},
                                                               {"DurationSeconds", "900"},
                                                               {"AutoCreate", "true"},
                                                               {"DbGroups.DbGroup.1", "loaders"},
                                                               {"DbGroups.DbGroup.2", "etl"}});
  CHECK(settings.region == "eu-west-1");
  CHECK(settings.endpoint_url() == "https://redshift.eu-west-1.amazonaws.com/");
  CHECK(form_body({{"DbUser", "a b&c=d"}, {"Version", "2012-12-01"}}) ==
        "DbUser=a%20b%26c%3Dd&Version=2012-12-01");
}

TEST_CASE("GetClusterCredentialsWithIAM sends no user, groups or AutoCreate") {
  IamAuthSettings settings = IamAuthSettings::from_config({{"api", "GetClusterCredentialsWithIAM"},
                                                           {"cluster_identifier", "prod"},
                                                           {"duration_seconds", 3600},
                                                           {"endpoint", "http://127.0.0.1:8080/"}},
                                                          "", "dev", "");
  using Parameters = std::vector<std::pair<std::string, std::string>>;
  CHECK(credentials_request_parameters(settings) ==
        Parameters{{"Action", "GetClusterCredentialsWithIAM"},
                   {"Version", "2012-12-01"},
                   {"ClusterIdentifier", "prod"},
                   {"DbName", "dev"},
                   {"DurationSeconds", "3600"}});
  CHECK(settings.region == "us-east-1");
  CHECK(settings.endpoint_url() == "http://127.0.0.1:8080/");
}

TEST_CASE("iam_auth settings Redshift would refuse are configuration errors") {
  CHECK_THROWS_AS(IamAuthSettings::from_config({{"db_user", "a"}}, "", "dev", ""),
                  chorus::ConfigError);
  CHECK_THROWS_AS(IamAuthSettings::from_config({{"cluster_identifier", "c"}}, "", "dev", ""),
                  chorus::ConfigError);  // no database user
  CHECK_THROWS_AS(IamAuthSettings::from_config(
                      {{"cluster_identifier", "c"}, {"duration_seconds", 60}}, "a", "dev", ""),
                  chorus::ConfigError);
}

TEST_CASE("the credentials answer is read with its XML entities decoded") {
  const char *xml =
      "<GetClusterCredentialsResponse xmlns=\"http://redshift.amazonaws.com/doc/2012-12-01/\">\n"
      "  <GetClusterCredentialsResult>\n"
      "    <DbUser>IAM:alice</DbUser>\n"
      "    <Expiration>2024-01-01T10:15:00Z</Expiration>\n"
      "    <DbPassword>p&amp;w&lt;&#39;x</DbPassword>\n"
      "  </GetClusterCredentialsResult>\n"
      "  <ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>\n"
      "</GetClusterCredentialsResponse>\n";
  ClusterCredentials credentials = parse_credentials_response(xml);
  CHECK(credentials.db_user == "IAM:alice");
  CHECK(credentials.db_password == "p&w<'x");
  CHECK(credentials.expiration == "2024-01-01T10:15:00Z");
  CHECK_THROWS_AS(parse_credentials_response("<html>proxy error</html>"), chorus::FatalError);
}

TEST_CASE("an ErrorResponse gives AWS's code and message") {
  AwsErrorResponse error = parse_error_response(
      "<ErrorResponse xmlns=\"http://redshift.amazonaws.com/doc/2012-12-01/\"><Error>"
      "<Type>Sender</Type><Code>ClusterNotFound</Code><Message>Cluster x not found.</Message>"
      "</Error><RequestId>r</RequestId></ErrorResponse>");
  CHECK(error.code == "ClusterNotFound");
  CHECK(error.message == "Cluster x not found.");
  CHECK(parse_error_response("").code.empty());
}
