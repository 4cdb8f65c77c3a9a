// Snowflake's SQL API v2 (POST /api/v2/statements) with key-pair JWT authentication.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "chorus/http/client.h"
#include "keypair_jwt.h"

namespace chorus::target_snowflake {

struct SqlApiSettings {
  std::string account;  // account identifier: "myorg-myaccount" or "xy12345.us-east-2.aws"
  std::string user;
  std::string private_key_pem;
  std::string private_key_passphrase;
  std::string database;
  std::string schema;
  std::string warehouse;
  std::string role;
  // Base URL; default https://<account>.snowflakecomputing.com. Tests point it at a stand-in.
  std::string endpoint;
  long statement_timeout_seconds = 3600;
  double poll_interval_seconds = 0.5;
};

class SqlApiClient {
 public:
  using Row = std::vector<std::optional<std::string>>;

  SqlApiClient(SqlApiSettings settings, const PluginContext *context);
  ~SqlApiClient();

  // Runs `statements` as one request (MULTI_STATEMENT_COUNT = their number), so that they
  // share one session and its transaction. Waits for an asynchronous (202) execution by polling
  // GET /api/v2/statements/{handle}. Throws FatalError for a SQL error (422: code, sqlState,
  // message), ConfigError for a refused login (401), RetryableError when throttling (429)
  // outlasts the retries. `shown` replaces the statement text in messages when it is not
  // empty (statements carrying credentials).
  void execute(const std::vector<std::string> &statements, const std::string &shown = {});
  // Runs one query and returns its rows (all values as text, NULL as nullopt).
  std::vector<Row> query(const std::string &sql);

 private:
  nlohmann::json submit(const std::string &text, std::size_t count, const std::string &shown);
  std::string base_url() const;
  http::HttpRequest request(const std::string &method, const std::string &url) const;

  SqlApiSettings settings_;
  KeyPairJwt jwt_;
  http::HttpClient http_;
};

}  // namespace chorus::target_snowflake
