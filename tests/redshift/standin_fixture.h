// What target-redshift's tests against real servers share: the servers' settings from the
// environment (build/services/env), a config for the PostgreSQL stand-in, and ways to run the
// target and look at the results.
#pragma once

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <string>

#include "../s3_test_server.h"
#include "../service_env.h"
#include "../target_run.h"
#include "chorus/s3/client.h"
#include "redshift_target.h"

namespace redshift_test {

using chorus::testing::env;

inline bool have_servers() {
  using chorus::testing::Service;
  return chorus::testing::have_services({Service::Postgres, Service::S3});
}

inline std::string unique(const char *what) { return chorus::testing::unique_name(what); }

inline std::string pg_conninfo() {
  return "host=" + env("CHORUS_TEST_PG_HOST") + " port=" + env("CHORUS_TEST_PG_PORT") +
         " user=" + env("CHORUS_TEST_PG_USER") + " password=" + env("CHORUS_TEST_PG_PASSWORD") +
         " dbname=" + env("CHORUS_TEST_PG_DBNAME");
}

// A config for copy_executor: postgres-standin, staging in s3rver under `prefix`.
inline nlohmann::json base_config(const std::string &schema, const std::string &prefix) {
  return {{"host", env("CHORUS_TEST_PG_HOST")},
          {"port", std::stoi(env("CHORUS_TEST_PG_PORT"))},
          {"user", env("CHORUS_TEST_PG_USER")},
          {"password", env("CHORUS_TEST_PG_PASSWORD")},
          {"dbname", env("CHORUS_TEST_PG_DBNAME")},
          {"sslmode", "disable"},
          {"default_target_schema", schema},
          {"s3_bucket", env("CHORUS_TEST_S3_BUCKET")},
          {"s3_endpoint_url", env("CHORUS_TEST_S3_ENDPOINT")},
          {"s3_region", env("CHORUS_TEST_S3_REGION")},
          {"s3_key_prefix", prefix},
          {"aws_access_key_id", env("CHORUS_TEST_S3_ACCESS_KEY_ID")},
          {"aws_secret_access_key", env("CHORUS_TEST_S3_SECRET_ACCESS_KEY")},
          {"staged_file_count", 2},
          {"copy_executor", "postgres-standin"}};
}

// Runs target-redshift over `lines`; returns the STATE messages it echoed.
inline std::string run_target(const nlohmann::json &config, const std::string &lines) {
  return chorus::testing::run_target_on<chorus::target_redshift::RedshiftTarget>(
      config, lines, unique("redshift_in"));
}

inline pqxx::result query(const std::string &sql) {
  pqxx::connection connection(pg_conninfo());
  pqxx::nontransaction tx(connection);
  return tx.exec(sql);
}

inline chorus::s3::ClientConfig s3_config() { return chorus::testing::test_s3_config(); }

}  // namespace redshift_test
