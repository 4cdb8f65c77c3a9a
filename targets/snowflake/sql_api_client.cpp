#include "sql_api_client.h"

#include <chrono>
#include <ctime>
#include <thread>

#include "chorus/plugin/errors.h"

namespace chorus::target_snowflake {
namespace {

http::HttpClientOptions http_options() {
  http::HttpClientOptions options;
  options.user_agent = "chorus-target-snowflake/0.1.0";
  options.retry.max_retries = 6;
  options.retry.base_backoff_seconds = 0.5;
  options.retry.max_backoff_seconds = 30;
  return options;
}

std::string abbreviated(const std::string &text) {
  return text.size() > 300 ? text.substr(0, 300) + "..." : text;
}

}  // namespace

SqlApiClient::SqlApiClient(SqlApiSettings settings, const PluginContext *context)
    : settings_(std::move(settings)),
      jwt_(settings_.account, settings_.user, settings_.private_key_pem,
           settings_.private_key_passphrase),
      http_(http_options(), context) {}

SqlApiClient::~SqlApiClient() = default;

std::string SqlApiClient::base_url() const {
  std::string url = settings_.endpoint.empty()
                        ? "https://" + settings_.account + ".snowflakecomputing.com"
                        : settings_.endpoint;
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

http::HttpRequest SqlApiClient::request(const std::string &method, const std::string &url) const {
  http::HttpRequest request;
  request.method = method;
  request.url = url;
  request.set_header("Authorization",
                     "Bearer " + jwt_.token(static_cast<long long>(std::time(nullptr))));
  request.set_header("X-Snowflake-Authorization-Token-Type", "KEYPAIR_JWT");
  request.set_header("Accept", "application/json");
  request.set_header("Content-Type", "application/json");
  return request;
}

nlohmann::json SqlApiClient::submit(const std::string &text, std::size_t count,
                                    const std::string &shown) {
  nlohmann::json body = {{"statement", text}, {"timeout", settings_.statement_timeout_seconds}};
  if (!settings_.database.empty()) body["database"] = settings_.database;
  if (!settings_.schema.empty()) body["schema"] = settings_.schema;
  if (!settings_.warehouse.empty()) body["warehouse"] = settings_.warehouse;
  if (!settings_.role.empty()) body["role"] = settings_.role;
  body["parameters"] = {{"MULTI_STATEMENT_COUNT", std::to_string(count)}};
  http::HttpRequest post = request("POST", base_url() + "/api/v2/statements");
  post.body = body.dump();
  http::HttpResponse response = http_.send(post, "/api/v2/statements");
  const std::string what = abbreviated(shown.empty() ? text : shown);
  for (;;) {
    nlohmann::json document = nlohmann::json::parse(response.body, nullptr, false);
    auto field = [&](const char *name) {
      return document.is_object() && document.contains(name) && document[name].is_string()
                 ? document[name].get<std::string>()
                 : std::string();
    };
    if (response.status == 200) return document;
    if (response.status == 202) {
      // Still running: poll the statement's status until it is done.
      std::string handle = field("statementHandle");
      if (handle.empty()) {
        throw FatalError("target-snowflake: the SQL API answered 202 without a statementHandle");
      }
      std::this_thread::sleep_for(
          std::chrono::milliseconds(static_cast<long>(settings_.poll_interval_seconds * 1000)));
      response = http_.send(request("GET", base_url() + "/api/v2/statements/" + handle),
                            "/api/v2/statements/{handle}");
      continue;
    }
    if (response.status == 422) {
      throw FatalError("target-snowflake: Snowflake rejected the statement (code " + field("code") +
                       ", SQLSTATE " + field("sqlState") + "): " + field("message") +
                       "\n  statement: " + what);
    }
    if (response.status == 401 || response.status == 403) {
      throw ConfigError(
          "target-snowflake: Snowflake refused the key-pair login (HTTP " +
          std::to_string(response.status) + ": " + field("message") +
          "); check account, "
          "user, and that the user's RSA_PUBLIC_KEY matches the private key (fingerprint " +
          jwt_.public_key_fingerprint() + ")");
    }
    if (response.status == 429 || response.status >= 500) {
      throw RetryableError("target-snowflake: the SQL API kept answering HTTP " +
                           std::to_string(response.status) +
                           " after retries: " + abbreviated(response.body));
    }
    throw FatalError("target-snowflake: the SQL API answered HTTP " +
                     std::to_string(response.status) + ": " + abbreviated(response.body) +
                     "\n  statement: " + what);
  }
}

void SqlApiClient::execute(const std::vector<std::string> &statements, const std::string &shown) {
  if (statements.empty()) return;
  std::string text;
  for (const std::string &statement : statements) {
    if (!text.empty()) text += ";\n";
    text += statement;
  }
  submit(text, statements.size(), shown);
}

std::vector<SqlApiClient::Row> SqlApiClient::query(const std::string &sql) {
  nlohmann::json document = submit(sql, 1, {});
  std::vector<Row> rows;
  if (!document.contains("data") || !document["data"].is_array()) return rows;
  for (const auto &row : document["data"]) {
    Row out;
    for (const auto &value : row) {
      if (value.is_null())
        out.emplace_back(std::nullopt);
      else
        out.emplace_back(value.is_string() ? value.get<std::string>() : value.dump());
    }
    rows.push_back(std::move(out));
  }
  return rows;
}

}  // namespace chorus::target_snowflake
