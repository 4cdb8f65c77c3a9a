// target-redshift's IAM authentication end to end: GetClusterCredentials against a stand-in for
// the Redshift API (redshift_api_server.js: the published request and response shapes, every
// SigV4 signature recomputed with the secret key), then a real sign-in to PostgreSQL with the
// issued user and temporary password, and a real load through s3rver.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <random>
#include <vector>

#include "../node_standin_server.h"
#include "../thrown_error.h"
#include "chorus/plugin/errors.h"
#include "standin_fixture.h"

using namespace chorus;
using namespace redshift_test;
using chorus::testing::thrown;
using chorus::testing::thrown_message;

namespace {

const char *kClusterId = "chorus-test";

// The Redshift API stand-in, knowing `secret_key` for the S3 test access key and issuing
// `password`.
class RedshiftApiServer : public chorus::testing::NodeStandinServer {
 public:
  RedshiftApiServer(const std::string &secret_key, const std::string &password)
      : NodeStandinServer(CHORUS_REDSHIFT_API_SERVER, unique("redshift_api"),
                          {env("CHORUS_TEST_S3_ACCESS_KEY_ID"), secret_key, kClusterId, password},
                          "the Redshift API stand-in") {}
};

// Sends everything written to stderr (where PluginContext logs without a host) to a file while
// alive, so a test can read what the target logged.
class CapturedStderr {
 public:
  CapturedStderr() : path_(std::string(CHORUS_BINARY_DIR) + "/" + unique("stderr") + ".log") {
    saved_ = dup(2);
    int fd = open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, 2);
    close(fd);
  }
  ~CapturedStderr() {
    restore();
    unlink(path_.c_str());
  }
  std::string text() {
    restore();
    std::ifstream in(path_);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

 private:
  void restore() {
    if (saved_ < 0) return;
    dup2(saved_, 2);
    close(saved_);
    saved_ = -1;
  }
  std::string path_;
  int saved_ = -1;
};

std::string random_password() {
  std::mt19937_64 random(std::random_device{}());
  // '&' and '<' must survive the XML answer, '\'' the connection string.
  return "Tmp&<'" + std::to_string(random()) + "x";
}

nlohmann::json iam_config(const std::string &schema, const std::string &db_user,
                          const std::string &endpoint) {
  nlohmann::json config = base_config(schema, "tests/redshift/" + schema);
  config.erase("password");
  config["user"] = db_user;
  config["iam_auth"] = {{"cluster_identifier", kClusterId},
                        {"db_groups", {"loaders", "etl"}},
                        {"duration_seconds", 1200},
                        {"region", "eu-west-1"},
                        {"endpoint", endpoint}};
  return config;
}

const char *kLines =
    R"({"type":"SCHEMA","stream":"things","key_properties":["id"],"schema":{"type":"object","properties":{"id":{"type":"integer"},"name":{"type":["string","null"]}}}})"
    "\n"
    R"({"type":"RECORD","stream":"things","record":{"id":1,"name":"one"}})"
    "\n"
    R"({"type":"RECORD","stream":"things","record":{"id":2,"name":"two"}})"
    "\n"
    R"({"type":"STATE","value":{"bookmarks":{"things":{"id":2}}}})"
    "\n";

bool schema_exists(const std::string &schema) {
  return query("SELECT count(*) FROM information_schema.schemata WHERE schema_name = '" + schema +
               "'")[0][0]
             .as<int>() > 0;
}

}  // namespace

TEST_CASE("IAM auth: the SigV4-signed GetClusterCredentials password signs in and loads") {
  if (!have_servers()) return;
  const std::string schema = unique("rs_iam");
  const std::string db_user = unique("chorus_iam");
  const std::string role = "IAM:" + db_user;  // the name Redshift gives the temporary user
  const std::string password = random_password();
  pqxx::connection admin(pg_conninfo());
  {
    pqxx::nontransaction tx(admin);
    tx.exec("CREATE ROLE " + tx.quote_name(role) + " LOGIN PASSWORD " + tx.quote(password));
    tx.exec("GRANT CREATE ON DATABASE " + tx.quote_name(env("CHORUS_TEST_PG_DBNAME")) + " TO " +
            tx.quote_name(role));
  }
  RedshiftApiServer server(env("CHORUS_TEST_S3_SECRET_ACCESS_KEY"), password);

  std::string out;
  std::string logged;
  {
    CapturedStderr captured;
    out = run_target(iam_config(schema, db_user, server.url()), kLines);
    logged = captured.text();
  }
  CHECK(out.find(R"("things":{"id":2})") != std::string::npos);
  auto rows = query("SELECT id, name FROM \"" + schema + "\".things ORDER BY id");
  REQUIRE(rows.size() == 2);
  CHECK(rows[1][1].as<std::string>() == "two");
  // The target signed in as the user the API issued, not as the configured one.
  CHECK(query("SELECT tableowner FROM pg_tables WHERE schemaname = '" + schema + "'")[0][0]
            .as<std::string>() == role);
  CHECK(logged.find(password) == std::string::npos);

  auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  const auto &params = requests[0]["params"];
  CHECK(params["Action"] == "GetClusterCredentials");
  CHECK(params["Version"] == "2012-12-01");
  CHECK(params["ClusterIdentifier"] == kClusterId);
  CHECK(params["DbUser"] == db_user);
  CHECK(params["DbName"] == env("CHORUS_TEST_PG_DBNAME"));
  CHECK(params["DbGroups.DbGroup.1"] == "loaders");
  CHECK(params["DbGroups.DbGroup.2"] == "etl");
  CHECK(params["AutoCreate"] == "false");
  CHECK(params["DurationSeconds"] == "1200");
  CHECK(requests[0]["region"] == "eu-west-1");
  CHECK(requests[0]["service"] == "redshift");

  pqxx::nontransaction tx(admin);
  tx.exec("DROP SCHEMA " + tx.quote_name(schema) + " CASCADE");
  tx.exec("REVOKE CREATE ON DATABASE " + tx.quote_name(env("CHORUS_TEST_PG_DBNAME")) + " FROM " +
          tx.quote_name(role));
  tx.exec("DROP ROLE " + tx.quote_name(role));
}

TEST_CASE("IAM auth: a request signed with the wrong secret key fails clearly and loads nothing") {
  if (!have_servers()) return;
  const std::string schema = unique("rs_iam_bad");
  // The API knows another secret for the access key than the one the target signs with.
  RedshiftApiServer server("not-the-secret-the-target-has", "unused");
  const std::string message = thrown_message<ConfigError>(
      [&] { run_target(iam_config(schema, "loader", server.url()), kLines); },
      "expected the sign-in to be refused");
  CHECK(message.find("target-redshift") != std::string::npos);
  CHECK(message.find("GetClusterCredentials for cluster 'chorus-test'") != std::string::npos);
  CHECK(message.find("SignatureDoesNotMatch") != std::string::npos);
  CHECK(message.find("check the AWS credentials (from config)") != std::string::npos);
  CHECK(server.requests().empty());
  CHECK_FALSE(schema_exists(schema));
}

TEST_CASE("IAM auth: an unknown cluster and an unreachable API say what to check") {
  if (!have_servers()) return;
  const std::string schema = unique("rs_iam_missing");
  RedshiftApiServer server(env("CHORUS_TEST_S3_SECRET_ACCESS_KEY"), "unused");
  nlohmann::json config = iam_config(schema, "loader", server.url());
  config["iam_auth"]["cluster_identifier"] = "no-such-cluster";
  std::string message =
      thrown_message<ConfigError>([&] { run_target(config, kLines); }, "expected ClusterNotFound");
  CHECK(message.find("ClusterNotFound: Cluster no-such-cluster not found.") != std::string::npos);
  CHECK(message.find("check iam_auth.cluster_identifier and iam_auth.region") != std::string::npos);

  // Nothing listens on the discard port.
  config = iam_config(schema, "loader", "http://127.0.0.1:9");
  message = thrown_message<RetryableError>([&] { run_target(config, kLines); },
                                           "expected the API to be unreachable");
  CHECK(message.find("target-redshift: GetClusterCredentials") != std::string::npos);
  CHECK(message.find("cannot reach the Redshift API") != std::string::npos);
  CHECK(message.find("check iam_auth.region, iam_auth.endpoint") != std::string::npos);
  CHECK_FALSE(schema_exists(schema));
}

TEST_CASE("IAM auth and a password together are refused") {
  if (!have_servers()) return;
  nlohmann::json config = iam_config(unique("rs_iam_both"), "loader", "http://127.0.0.1:9");
  config["password"] = "secret";
  const auto error =
      thrown<ConfigError>([&] { run_target(config, kLines); }, "expected a configuration error");
  CHECK(std::string(error.what()).find("both password and iam_auth are set") != std::string::npos);
}
