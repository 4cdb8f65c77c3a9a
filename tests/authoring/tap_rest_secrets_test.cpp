// tap-rest against a server that echoes the request: no credential it sent, whether from the
// config or obtained at run time, and in no encoding, reaches its errors or its log.
#include <doctest/doctest.h>

#include "tap_rest_support.h"

// The tap-rest test kit (tap_rest_support.h) and the local test API.
using namespace chorus_test;
using nlohmann::json;

namespace {

json echo_config(json auth) {
  return {{"api_url", ApiServer::instance().base_url()},
          {"max_retries", 0},
          {"auth", std::move(auth)},
          {"streams", json::array({{{"name", "echo"}, {"path", "/echo"}}})}};
}

std::string everything_said(const PluginRun &run) {
  std::string text = run.error;
  for (const auto &line : run.log) text += "\n" + line;
  return text;
}

}  // namespace

TEST_CASE("an OAuth2 token obtained at run time is masked in an echoed error") {
  PluginRun run = rest_tap().run(echo_config(oauth2_client_credentials()));
  REQUIRE(run.status == CHORUS_ERR_FATAL);
  std::string token =
      "token-" + std::to_string(ApiServer::instance().stats()["tokens_issued"].get<long>());
  std::string said = everything_said(run);
  INFO(said);
  CHECK(said.find("Authorization") != std::string::npos);  // the echo is in the message
  CHECK(said.find("Bearer ********") != std::string::npos);
  CHECK(said.find(token) == std::string::npos);
  CHECK(said.find("s3cret") == std::string::npos);
}

TEST_CASE("Basic credentials are masked in their base64 form too") {
  PluginRun run = rest_tap().run(
      echo_config({{"type", "basic"}, {"username", "chorus"}, {"password", "pa55-word"}}));
  REQUIRE(run.status == CHORUS_ERR_FATAL);
  std::string said = everything_said(run);
  INFO(said);
  CHECK(said.find("Basic ********") != std::string::npos);
  CHECK(said.find("Y2hvcnVzOnBhNTUtd29yZA==") == std::string::npos);  // base64 of chorus:pa55-word
  CHECK(said.find("pa55-word") == std::string::npos);
}

TEST_CASE("an API key in the query string is masked in the echoed query") {
  PluginRun run = rest_tap().run(echo_config(api_key_in_query("k3y/with+chars")));
  REQUIRE(run.status == CHORUS_ERR_FATAL);
  std::string said = everything_said(run);
  INFO(said);
  CHECK(said.find("\"api_key\": \"********\"") != std::string::npos);
  CHECK(said.find("k3y/with+chars") == std::string::npos);
  CHECK(said.find("k3y%2Fwith%2Bchars") == std::string::npos);
}

TEST_CASE("at -v each request is logged with method, URL without credentials, status, time") {
  json config = chorus_test::rest_config({{"paging", "next_url"}, {"auth", "key"}},
                                         {{"type", "next_url"}, {"path", "/links/next"}});
  config["auth"] = api_key_in_query("k3y");
  PluginRun run = require_success(rest_tap().run(config));
  int request_lines = 0;
  for (const auto &line : run.log) {
    if (line.find("GET " + ApiServer::instance().base_url() + "/items?") == std::string::npos) {
      continue;
    }
    ++request_lines;
    INFO(line);
    CHECK(line.find("api_key=********") != std::string::npos);
    CHECK(line.find("k3y") == std::string::npos);
    CHECK(line.find("-> 200 in ") != std::string::npos);
    CHECK((line.find(", 10 records") != std::string::npos ||
           line.find(", 5 records") != std::string::npos));
  }
  CHECK(request_lines == 3);
}

TEST_CASE("a revoked OAuth2 token is replaced once after a 401 and the sync goes on") {
  long before = ApiServer::instance().stats()["tokens_issued"];
  json config = chorus_test::rest_config(
      {{"auth", "oauth"}, {"paging", "next_url"}, {"revoke", chorus_test::unique_key("revoke")}},
      {{"type", "next_url"}, {"path", "/links/next"}});
  config["auth"] = oauth2_client_credentials();
  PluginRun run = require_success(rest_tap().run(config));
  CHECK(chorus_test::record_ids(run) == chorus_test::id_range(1, 25));
  CHECK(ApiServer::instance().stats()["tokens_issued"].get<long>() - before == 2);
  CHECK(chorus_test::logged(run, "authenticated again"));
}

TEST_CASE("a fixed credential refused with 401 fails without a second try") {
  long before = ApiServer::instance().stats()["requests"];
  json config = chorus_test::rest_config({{"auth", "bearer"}}, nullptr);
  config["auth"] = {{"type", "bearer"}, {"token", "wrong-token"}};
  PluginRun run = rest_tap().run(config);
  CHECK(run.status == CHORUS_ERR_FATAL);
  CHECK(ApiServer::instance().stats()["requests"].get<long>() - before == 1);
}
