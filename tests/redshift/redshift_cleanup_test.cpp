// target-redshift (PostgreSQL stand-in) when S3 misbehaves after or around a load: a role that
// may not delete the staged files, throttled uploads. s3_fault_proxy.js sits in front of s3rver
// and injects the fault; everything else reaches the real servers.
#include <doctest/doctest.h>

#include <string>

#include "../log_capture.h"
#include "../node_standin_server.h"
#include "standin_fixture.h"

using namespace chorus;
using namespace redshift_test;

namespace {

std::string events(int count) {
  std::string lines =
      R"({"type":"SCHEMA","stream":"events","key_properties":[],"schema":{"type":"object","properties":{"n":{"type":"integer"}}}})"
      "\n";
  for (int i = 1; i <= count; ++i) {
    lines += R"({"type":"RECORD","stream":"events","record":{"n":)" + std::to_string(i) + "}}\n";
  }
  lines +=
      R"({"type":"STATE","value":{"bookmarks":{"events":{"n":)" + std::to_string(count) + "}}}}\n";
  return lines;
}

std::vector<std::string> proxy_arguments(std::vector<std::string> faults) {
  faults.insert(faults.begin(), env("CHORUS_TEST_S3_ENDPOINT"));
  return faults;
}

bool contains(const std::string &text, const std::string &part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("a committed batch whose staged files cannot be deleted is kept and its STATE echoed") {
  if (!have_servers()) return;
  testing::NodeStandinServer proxy(CHORUS_S3_FAULT_PROXY, unique("rs_deny_delete"),
                                   proxy_arguments({"deny-delete"}), "the S3 fault proxy");
  const std::string schema = unique("rs_cleanup");
  const std::string prefix = "tests/redshift/" + schema;
  nlohmann::json config = base_config(schema, prefix);
  config["s3_endpoint_url"] = proxy.url();
  testing::LogCapture log;
  std::string out = chorus::testing::run_target_on<target_redshift::RedshiftTarget>(
      config, events(5), unique("redshift_in"), log.context());

  // The load committed, so the batch counts: its STATE is echoed and its rows are there once.
  CHECK(contains(out, R"("events":{"n":5})"));
  CHECK(
      query("SELECT count(*), count(DISTINCT n) FROM \"" + schema + "\".events")[0][1].as<int>() ==
      5);
  CHECK(query("SELECT count(*) FROM \"" + schema + "\".events")[0][0].as<int>() == 5);

  // The objects left behind are still in the bucket, and the warning names every one of them.
  s3::Client client(s3_config());
  auto left = client.list_objects(prefix);
  REQUIRE(left.size() == 2);  // the staged file (5 rows fill one) and the manifest
  CHECK(contains(left[0].key + left[1].key, "manifest.json"));
  std::string warning;
  for (const std::string &line : log.at(CHORUS_LOG_WARN)) {
    if (contains(line, "left behind")) warning = line;
  }
  CAPTURE(warning);
  CHECK(contains(warning, "stream events: the batch is loaded and committed"));
  CHECK(contains(warning, "AccessDenied"));
  for (const auto &object : left) CHECK(contains(warning, client.object_url(object.key)));
  std::vector<std::string> keys;
  for (const auto &object : left) keys.push_back(object.key);
  client.delete_objects(keys);
  query("DROP SCHEMA \"" + schema + "\" CASCADE");
}

TEST_CASE("throttled staging uploads are retried, each retry a warning of the target") {
  if (!have_servers()) return;
  testing::NodeStandinServer proxy(CHORUS_S3_FAULT_PROXY, unique("rs_throttle"),
                                   proxy_arguments({"throttle:PutObject:2"}), "the S3 fault proxy");
  const std::string schema = unique("rs_throttle");
  nlohmann::json config = base_config(schema, "tests/redshift/" + schema);
  config["s3_endpoint_url"] = proxy.url();
  testing::LogCapture log;
  std::string out = chorus::testing::run_target_on<target_redshift::RedshiftTarget>(
      config, events(3), unique("redshift_in"), log.context());
  CHECK(contains(out, R"("events":{"n":3})"));
  CHECK(query("SELECT count(*) FROM \"" + schema + "\".events")[0][0].as<int>() == 3);
  int retries = 0;
  for (const std::string &line : log.at(CHORUS_LOG_WARN)) {
    if (!contains(line, "S3 PutObject s3://")) continue;
    CAPTURE(line);
    CHECK(contains(line, "HTTP 503 SlowDown"));
    CHECK(contains(line, "retry "));
    CHECK(contains(line, " ms"));
    ++retries;
  }
  CHECK(retries == 2);
  query("DROP SCHEMA \"" + schema + "\" CASCADE");
}
