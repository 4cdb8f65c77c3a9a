// `chorus staging list|clean PIPELINE` on what a real run left behind: target-redshift (the
// PostgreSQL stand-in) loads a batch through a proxy that refuses every delete, as a role
// without s3:DeleteObject does, so its staged files stay in s3rver under the pipeline's prefix.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "../file_plugins/chorus_process.h"
#include "../log_capture.h"
#include "../node_standin_server.h"
#include "chorus/s3/staging_leftovers.h"
#include "standin_fixture.h"

using namespace chorus;
using namespace redshift_test;
namespace fp = chorus::file_plugins_test;

namespace {

bool contains(const std::string &text, const std::string &part) {
  return text.find(part) != std::string::npos;
}

// Runs one batch of `events` with deletes refused, so its staged files are left under `prefix`.
void leave_a_batch_behind(const std::string &schema, const std::string &prefix) {
  testing::NodeStandinServer proxy(CHORUS_S3_FAULT_PROXY, unique("rs_leftovers"),
                                   {env("CHORUS_TEST_S3_ENDPOINT"), "deny-delete"},
                                   "the S3 fault proxy");
  nlohmann::json config = base_config(schema, prefix);
  config["s3_endpoint_url"] = proxy.url();
  testing::LogCapture log;
  chorus::testing::run_target_on<target_redshift::RedshiftTarget>(
      config,
      R"({"type":"SCHEMA","stream":"events","key_properties":[],"schema":{"type":"object","properties":{"n":{"type":"integer"}}}})"
      "\n"
      R"({"type":"RECORD","stream":"events","record":{"n":1}})"
      "\n",
      unique("redshift_in"), log.context());
}

}  // namespace

TEST_CASE("staged batch keys are recognised by their shape, and nothing else under the prefix") {
  CHECK(s3::staged_batch_time("base", "base/s.t/20240102T030405Z-0123456789abcdef/manifest.json") ==
        1704164645);
  CHECK(s3::staged_batch_time("base/",
                              "base/s.t/20240102T030405Z-0123456789abcdef/part-00003.csv.zst") ==
        1704164645);
  // A Spectrum table's files (<base>/<schema>/<table>/<folder>/...) and anything else: no.
  CHECK(s3::staged_batch_time(
            "base", "base/s/t/20240102T030405Z-0123456789abcdef/part-00000.csv.gz") == -1);
  CHECK(s3::staged_batch_time("base", "base/s.t/20240102T030405Z-0123456789abcdef/notes.txt") ==
        -1);
  CHECK(s3::staged_batch_time("base",
                              "other/s.t/20240102T030405Z-0123456789abcdef/manifest.json") == -1);
  CHECK(s3::staged_batch_time("base", "base/s.t/2024-01-02-0123456789abcdef/manifest.json") == -1);
}

TEST_CASE("chorus staging list and clean find and remove what a run left in its prefix") {
  if (!have_servers()) return;
  const std::string schema = unique("rs_staging");
  const std::string prefix = "tests/redshift/" + schema;
  leave_a_batch_behind(schema, prefix);
  s3::Client client(s3_config());
  // Under the same prefix, a file that is not a staged batch's (a Spectrum table's) stays.
  const std::string spectrum_key =
      prefix + "/" + schema + "/events/20240101T000000Z-0123456789abcdef/part-00000.csv.gz";
  client.put_object(spectrum_key, "keep me");
  auto before = client.list_objects(prefix);
  REQUIRE(before.size() == 3);  // the staged file, the manifest, the Spectrum file

  fp::Scratch scratch;
  nlohmann::json target = base_config(schema, prefix);
  std::string yaml =
      "name: leftovers\ntap:\n  plugin: tap-csv\n  config: {}\ntarget:\n"
      "  plugin: target-redshift\n  config: " +
      target.dump() + "\n";
  auto pipeline = scratch.write("pipeline.yml", yaml);

  // `chorus staging COMMAND` on the pipeline with `options`, checked to succeed; a failure does
  // not stop the test, so that the cleanup at its end still runs.
  auto staging = [&](const char *command, std::vector<std::string> options) {
    options.insert(options.begin(), {"staging", command, pipeline.string()});
    fp::RunResult result = fp::chorus(options, scratch.dir());
    CHECK_MESSAGE(result.exit_code == 0, result.err);
    return result;
  };

  // The batch is seconds old: by default it may still be loading and is left alone.
  fp::RunResult young = staging("list", {});
  CHECK(young.out.empty());
  CHECK(contains(young.err, "2 objects or uploads"));
  CHECK(contains(young.err, "--min-age 0"));

  fp::RunResult listed = staging("list", {"--min-age", "0"});
  CAPTURE(listed.err);
  for (const auto &object : before) {
    CHECK(contains(listed.out, client.object_url(object.key)) != (object.key == spectrum_key));
  }
  // s3rver cannot list multipart uploads; the command says so instead of claiming there are none.
  CHECK(contains(listed.err, "cannot be listed on this server"));
  CHECK(contains(listed.err, "AbortIncompleteMultipartUpload"));

  fp::RunResult cleaned = staging("clean", {"--min-age", "0"});
  CAPTURE(cleaned.err);
  CHECK(contains(cleaned.err, "removed 2 staged objects"));
  auto after = client.list_objects(prefix);
  REQUIRE(after.size() == 1);
  CHECK(after[0].key == spectrum_key);
  client.delete_object(spectrum_key);
  query("DROP SCHEMA \"" + schema + "\" CASCADE");
}

TEST_CASE("chorus staging on a pipeline whose target stages nothing says so and fails") {
  fp::Scratch scratch;
  auto pipeline = scratch.write(
      "pipeline.yml",
      "name: files\ntap:\n  plugin: tap-csv\n  config: {}\ntarget:\n  plugin: target-jsonl\n"
      "  config: {}\n");
  fp::RunResult result = fp::chorus({"staging", "list", pipeline.string()}, scratch.dir());
  CHECK(result.exit_code != 0);
  CHECK(contains(result.err, "has no S3 staging"));
  CHECK(contains(result.err, "s3_bucket"));
}
