// target-snowflake against a stand-in SQL API server (sql_api_server.js: the published request
// and response shapes, JWT verified with the test's public key) and real staging in s3rver.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "../node_standin_server.h"
#include "../s3_test_server.h"
#include "../service_env.h"
#include "../target_run.h"
#include "../thrown_error.h"
#include "chorus/plugin/errors.h"
#include "chorus/s3/client.h"
#include "snowflake_target.h"
#include "test_keys.h"

using namespace chorus;

namespace {

using chorus::testing::env;
using chorus::testing::thrown_message;

bool have_servers() { return chorus::testing::have_services({chorus::testing::Service::S3}); }

std::string unique(const char *what) { return chorus::testing::unique_name(what); }

// The SQL API stand-in, verifying tokens with the test key pair's public key. With
// `throttle_first`, it answers the first request with 429.
class SqlApiServer : public chorus::testing::NodeStandinServer {
 public:
  explicit SqlApiServer(bool throttle_first = false)
      : NodeStandinServer(CHORUS_SQL_API_SERVER, unique("sql_api"), arguments(throttle_first),
                          "the SQL API stand-in") {}

 private:
  static std::vector<std::string> arguments(bool throttle_first) {
    std::vector<std::string> words{TestKeys::get().public_path, "ACME.LOADER"};
    if (throttle_first) words.push_back("--throttle-first");
    return words;
  }
};

nlohmann::json config_for(const SqlApiServer &server, const std::string &prefix) {
  return {{"account", "acme"},
          {"user", "loader"},
          {"private_key", TestKeys::get().private_pem},
          {"database", "ANALYTICS"},
          {"warehouse", "LOAD_WH"},
          {"role", "LOADER"},
          {"default_target_schema", "RAW"},
          {"sql_api_url", server.url()},
          {"grants", {{"RAW", {"REPORTER"}}}},
          {"s3_bucket", env("CHORUS_TEST_S3_BUCKET")},
          {"s3_endpoint_url", env("CHORUS_TEST_S3_ENDPOINT")},
          {"s3_key_prefix", prefix},
          {"aws_access_key_id", env("CHORUS_TEST_S3_ACCESS_KEY_ID")},
          {"aws_secret_access_key", env("CHORUS_TEST_S3_SECRET_ACCESS_KEY")},
          {"staged_file_count", 2}};
}

std::string run_target(const nlohmann::json &config, const std::string &lines) {
  return chorus::testing::run_target_on<target_snowflake::SnowflakeTarget>(config, lines,
                                                                           unique("snowflake_in"));
}

const std::string kOrders =
    R"({"type":"SCHEMA","stream":"orders","key_properties":["id"],"schema":{"type":"object","properties":{"id":{"type":"integer"},"name":{"type":["string","null"]},"meta":{"type":["object","null"]}}}})"
    "\n"
    R"({"type":"RECORD","stream":"orders","record":{"id":1,"name":"a","meta":{"k":1}}})"
    "\n"
    R"({"type":"RECORD","stream":"orders","record":{"id":1,"name":"b","meta":null}})"
    "\n"
    R"({"type":"STATE","value":{"bookmarks":{"orders":{"id":1}}}})"
    "\n";

}  // namespace

TEST_CASE("a load is one multi-statement request: staging table, COPY INTO, MERGE, grants") {
  if (!have_servers()) return;
  SqlApiServer server;
  std::string out = run_target(config_for(server, "tests/snowflake/" + unique("load")), kOrders);
  CHECK(out.find(R"("orders":{"id":1})") != std::string::npos);

  auto requests = server.requests();
  REQUIRE(requests.size() >= 3);
  // Every request names the session's context.
  for (const auto &request : requests) {
    CHECK(request["database"] == "ANALYTICS");
    CHECK_FALSE(request.contains("schema"));  // no session schema configured
    CHECK(request["warehouse"] == "LOAD_WH");
    CHECK(request["role"] == "LOADER");
  }
  CHECK(requests[0]["statement"].get<std::string>().find("information_schema.columns") !=
        std::string::npos);
  std::string ddl = requests[1]["statement"];
  CHECK(ddl.find("CREATE SCHEMA IF NOT EXISTS \"RAW\"") != std::string::npos);
  CHECK(ddl.find("CREATE TABLE IF NOT EXISTS \"RAW\".\"ORDERS\"") != std::string::npos);
  CHECK(ddl.find("\"META\" VARIANT") != std::string::npos);
  CHECK(ddl.find("GRANT SELECT ON ALL TABLES IN SCHEMA \"RAW\" TO ROLE \"REPORTER\"") !=
        std::string::npos);

  const nlohmann::json *load = nullptr;
  for (const auto &request : requests) {
    if (request["statement"].get<std::string>().find("COPY INTO") != std::string::npos)
      load = &request;
  }
  REQUIRE(load);
  std::string text = (*load)["statement"];
  CHECK((*load)["parameters"]["MULTI_STATEMENT_COUNT"] == "6");
  CHECK(text.find("CREATE OR REPLACE TRANSIENT TABLE \"RAW\".\"_CHORUS_STAGE_ORDERS\"") !=
        std::string::npos);
  CHECK(text.find("COPY INTO \"RAW\".\"_CHORUS_STAGE_ORDERS\"") != std::string::npos);
  CHECK(text.find("FILE_FORMAT = (TYPE = CSV") != std::string::npos);
  CHECK(text.find("COMPRESSION = ZSTD") != std::string::npos);
  CHECK(
      text.find(
          "QUALIFY ROW_NUMBER() OVER (PARTITION BY \"ID\" ORDER BY \"_SDC_SEQUENCE\" DESC) = 1") !=
      std::string::npos);
  CHECK(text.find("MERGE INTO \"RAW\".\"ORDERS\"") != std::string::npos);
  CHECK(text.find("COMMIT;\nDROP TABLE IF EXISTS") != std::string::npos);
  CHECK(text.find("AWS_SECRET_KEY = '" + env("CHORUS_TEST_S3_SECRET_ACCESS_KEY") + "'") !=
        std::string::npos);
}

TEST_CASE("ACTIVATE_VERSION soft-deletes older versions with CURRENT_TIMESTAMP()") {
  if (!have_servers()) return;
  SqlApiServer server;
  std::string lines = kOrders;
  lines += R"({"type":"ACTIVATE_VERSION","stream":"orders","version":7})"
           "\n";
  run_target(config_for(server, "tests/snowflake/" + unique("version")), lines);
  auto requests = server.requests();
  CHECK(requests.back()["statement"] ==
        "UPDATE \"RAW\".\"ORDERS\" SET \"_SDC_DELETED_AT\" = CURRENT_TIMESTAMP() WHERE "
        "(\"_SDC_TABLE_VERSION\" IS NULL OR \"_SDC_TABLE_VERSION\" < 7) AND \"_SDC_DELETED_AT\" "
        "IS NULL");
}

TEST_CASE("a 429 is retried and the load goes on") {
  if (!have_servers()) return;
  SqlApiServer server(true);
  run_target(config_for(server, "tests/snowflake/" + unique("throttle")), kOrders);
  bool merged = false;
  for (const auto &request : server.requests()) {
    merged =
        merged || request["statement"].get<std::string>().find("MERGE INTO") != std::string::npos;
  }
  CHECK(merged);
}

TEST_CASE("a 422 reports Snowflake's code, SQLSTATE and message with the stream") {
  if (!have_servers()) return;
  SqlApiServer server;
  nlohmann::json config = config_for(server, "tests/snowflake/" + unique("fail"));
  config["default_target_schema"] = "FAIL_422";
  const std::string message =
      thrown_message([&] { run_target(config, kOrders); }, "expected a failure");
  CHECK(message.find("code 002003") != std::string::npos);
  CHECK(message.find("SQLSTATE 42S02") != std::string::npos);
  CHECK(message.find("does not exist or not authorized") != std::string::npos);
}

TEST_CASE("a JWT the server cannot verify is a configuration error naming the fingerprint") {
  if (!have_servers()) return;
  SqlApiServer server;
  nlohmann::json config = config_for(server, "tests/snowflake/" + unique("badjwt"));
  config["user"] = "someone_else";
  const std::string message =
      thrown_message<ConfigError>([&] { run_target(config, kOrders); }, "expected a failure");
  CHECK(message.find("HTTP 401") != std::string::npos);
  CHECK(message.find(TestKeys::get().fingerprint) != std::string::npos);
}

namespace {

chorus::s3::Client s3_client() { return chorus::s3::Client(chorus::testing::test_s3_config()); }

// Every staged object under `prefix`, concatenated (uncompressed CSV).
std::string staged_text(const std::string &prefix) {
  chorus::s3::Client client = s3_client();
  std::string text;
  for (const auto &object : client.list_objects(prefix)) {
    if (object.key.find("manifest") == std::string::npos) text += client.get_object(object.key);
  }
  return text;
}

std::string statement_with(const std::vector<nlohmann::json> &requests, const std::string &part) {
  for (const auto &request : requests) {
    const std::string text = request["statement"];
    if (text.find(part) != std::string::npos) return text;
  }
  return {};
}

const std::string kEdgeNumbers =
    R"({"type":"SCHEMA","stream":"edge","key_properties":["id"],"schema":{"type":"object","properties":{"id":{"type":"integer"},"wide":{"type":["number","null"]},"tiny":{"type":["number","null"]},"clock":{"type":["string","null"],"format":"time"},"label":{"type":["string","null"]}}}})"
    "\n"
    R"({"type":"RECORD","stream":"edge","record":{"id":1,"wide":99999999999999999999999999999999999999,"tiny":1e-30,"clock":"12:30:00+09:00","label":"\u00e9\ud83d\ude00\"q\"\n"}})"
    "\n"
    R"({"type":"RECORD","stream":"edge","record":{"id":2,"wide":-0,"tiny":1.23e-28,"label":""}})"
    "\n"
    R"({"type":"RECORD","stream":"edge","record":{"id":3,"wide":1.5E+3,"tiny":-0.5,"label":null}})"
    "\n";

}  // namespace

TEST_CASE("plain numbers get a NUMBER sized from the first batch and are staged digit for digit") {
  if (!have_servers()) return;
  SqlApiServer server;
  const std::string prefix = "tests/snowflake/" + unique("edge");
  nlohmann::json config = config_for(server, prefix);
  config["keep_staged_files"] = true;
  config["compression"] = "none";
  run_target(config, kEdgeNumbers);
  const std::string ddl = statement_with(server.requests(), "CREATE TABLE");
  CHECK(ddl.find("\"WIDE\" NUMBER(38,0)") != std::string::npos);
  CHECK(ddl.find("\"TINY\" NUMBER(38,30)") != std::string::npos);
  CHECK(ddl.find("\"CLOCK\" VARCHAR") != std::string::npos);  // TIME would drop the offset
  CHECK(ddl.find("FLOAT") == std::string::npos);
  // The staged files, read back from s3rver, hold every digit as sent.
  const std::string staged = staged_text(prefix);
  for (const char *sent : {"99999999999999999999999999999999999999", "1e-30", "1.23e-28", "-0",
                           "1.5E+3", "12:30:00+09:00", "\xC3\xA9\xF0\x9F\x98\x80"}) {
    CAPTURE(sent);
    CHECK(staged.find(sent) != std::string::npos);
  }
}

TEST_CASE("a later value that does not fit a sized NUMBER is refused, naming line and value") {
  if (!have_servers()) return;
  SqlApiServer server;
  const std::string lines = kEdgeNumbers +
                            R"({"type":"STATE","value":{"bookmarks":{"edge":{"at":1}}}})"
                            "\n"
                            R"({"type":"RECORD","stream":"edge","record":{"id":4,"tiny":1e-31}})"
                            "\n";
  nlohmann::json config = config_for(server, "tests/snowflake/" + unique("refuse"));
  config["batch_size_rows"] = 3;
  CHECK_THROWS_WITH_AS(run_target(config, lines),
                       doctest::Contains("stream 'edge', line 6: property 'tiny' value 1e-31 "
                                         "cannot be stored exactly: it has 31 digits after the "
                                         "point and the column (NUMBER(38,30)) keeps 30"),
                       chorus::FatalError);
}

TEST_CASE("the Meltano SDK's target test streams load, or fail where the SDK expects failure") {
  if (!have_servers()) return;
  // ../shared/conformance/ beside the checkout, or where CHORUS_SDK_TARGET_STREAMS says.
  const std::filesystem::path folder =
      !env("CHORUS_SDK_TARGET_STREAMS").empty()
          ? std::filesystem::path(env("CHORUS_SDK_TARGET_STREAMS"))
          : std::filesystem::path(CHORUS_SOURCE_DIR).parent_path() / "shared" / "conformance" /
                "meltano-sdk-target-streams";
  if (!std::filesystem::is_directory(folder)) {
    MESSAGE((std::string("skipped: the Meltano SDK target test streams are not at ") +
             folder.string() + " (CI keeps ../shared/conformance/ beside the checkout)"));
    return;
  }
  const std::map<std::string, std::string> must_fail = {
      {"invalid_schema", "properties"},
      {"record_before_schema", "before its SCHEMA"},
      {"record_missing_key_property", "'id'"},
      {"record_missing_required_property", "required"}};
  int files = 0;
  for (const auto &entry : std::filesystem::directory_iterator(folder)) {
    if (entry.path().extension() != ".singer") continue;
    ++files;
    const std::string name = entry.path().stem().string();
    CAPTURE(name);
    std::ifstream in(entry.path());
    const std::string lines((std::istreambuf_iterator<char>(in)), {});
    SqlApiServer server;
    const nlohmann::json config = config_for(server, "tests/snowflake/" + unique("sdk"));
    auto failed = must_fail.find(name);
    if (failed != must_fail.end()) {
      CHECK_THROWS_WITH(run_target(config, lines), doctest::Contains(failed->second.c_str()));
    } else {
      CHECK_NOTHROW(run_target(config, lines));
    }
  }
  CHECK(files >= 20);
}
