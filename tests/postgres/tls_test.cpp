// sslmode against the test cluster's TLS (scripts/test-services.sh signs its certificate for
// IP 127.0.0.1 with a throwaway CA): what each mode accepts and refuses, and how it is reported.
#include <doctest/doctest.h>

#include "chorus/plugin/errors.h"
#include "pg_test_database.h"

namespace {

using chorus::test::env;

#define REQUIRE_TLS_SERVER(server)                                                      \
  if (!chorus::testing::have_services(                                                  \
          {chorus::testing::Service::Postgres, chorus::testing::Service::PostgresTls})) \
    return;                                                                             \
  auto server = chorus::test::test_server();                                            \
  REQUIRE(server)

// The error of connecting with `settings`, empty when the connection succeeds.
std::string connect_error(const chorus::pg::ConnectionSettings &settings) {
  try {
    chorus::pg::Connection connection(settings, "target-postgres");
  } catch (const chorus::ConfigError &error) {
    return error.what();
  }
  return {};
}

}  // namespace

TEST_CASE("verify-full with the cluster's CA connects over TLS") {
  REQUIRE_TLS_SERVER(server);
  server->sslmode = "verify-full";
  server->sslrootcert = env("CHORUS_TEST_PG_SSL_CA");
  chorus::pg::Connection connection(*server, "tap-postgres");
  auto rows = connection.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
  REQUIRE(rows.size() == 1);
  CHECK(rows[0][0] == std::optional<std::string>("t"));
}

TEST_CASE("verify-full refuses a certificate for another host name; verify-ca does not check it") {
  REQUIRE_TLS_SERVER(server);
  server->host = "localhost";  // the certificate names 127.0.0.1 only
  server->sslrootcert = env("CHORUS_TEST_PG_SSL_CA");
  server->sslmode = "verify-ca";
  CHECK(connect_error(*server).empty());
  server->sslmode = "verify-full";
  server->password = "pw-never-shown";  // TLS fails before the password is ever sent
  std::string error = connect_error(*server);
  CHECK(error.find("target-postgres: cannot connect to PostgreSQL at") != std::string::npos);
  CHECK(error.find("does not match host name \"localhost\"") != std::string::npos);
  CHECK(error.find("ssl settings") != std::string::npos);
  CHECK(error.find(server->password) == std::string::npos);
}

TEST_CASE("a CA that did not sign the server's certificate is refused") {
  REQUIRE_TLS_SERVER(server);
  server->sslmode = "verify-ca";
  server->sslrootcert = env("CHORUS_TEST_PG_SSL_OTHER_CA");
  std::string error = connect_error(*server);
  CHECK(error.find("certificate verify failed") != std::string::npos);
  CHECK(error.find("ssl settings") != std::string::npos);
}
