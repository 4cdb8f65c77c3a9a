// The S3 client when S3 misbehaves the way it does in production: throttling, a lost
// CompleteMultipartUpload reply, DeleteObjects refusing keys. s3rver does none of that, so a
// proxy in front of it (s3_fault_proxy.js) injects each fault while every request that is not
// faulted still reaches the real server.
#include <doctest/doctest.h>

#include <mutex>
#include <string>
#include <vector>

#include "../node_standin_server.h"
#include "../s3_test_server.h"
#include "../service_env.h"
#include "../thrown_error.h"
#include "chorus/s3/client.h"
#include "chorus/s3/staging.h"

using namespace chorus::s3;
using chorus::testing::env;
using chorus::testing::NodeStandinServer;
using chorus::testing::thrown;
using chorus::testing::uncompressed_staging;

namespace {

bool have_server() { return chorus::testing::have_services({chorus::testing::Service::S3}); }

ClientConfig direct_config() { return chorus::testing::test_s3_config_retrying(3, 5); }

// The proxy, started with `faults`, in front of the test's s3rver.
struct FaultyS3 {
  explicit FaultyS3(const std::vector<std::string> &faults)
      : proxy(CHORUS_S3_FAULT_PROXY, chorus::testing::unique_name("s3_faults"),
              with_upstream(faults), "the S3 fault proxy") {
    config = direct_config();
    config.endpoint = proxy.url();
    config.warn = [this](const std::string &message) {
      std::lock_guard<std::mutex> lock(mutex);
      warnings.push_back(message);
    };
  }
  static std::vector<std::string> with_upstream(std::vector<std::string> faults) {
    faults.insert(faults.begin(), env("CHORUS_TEST_S3_ENDPOINT"));
    return faults;
  }
  // How many requests of `operation` reached the proxy.
  int count(const std::string &operation) const {
    int n = 0;
    for (const auto &request : proxy.requests()) n += request["operation"] == operation;
    return n;
  }

  NodeStandinServer proxy;
  ClientConfig config;
  std::mutex mutex;
  std::vector<std::string> warnings;
};

std::string prefix_for(const char *test) {
  return "tests/s3-faults/" + chorus::testing::unique_name(test) + "/";
}

bool contains(const std::string &text, const std::string &part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("each retried request is a warning naming operation, object, status, attempt and wait") {
  if (!have_server()) return;
  FaultyS3 s3({"throttle:PutObject:2"});
  Client client(s3.config);
  const std::string key = prefix_for("throttled") + "object.txt";
  client.put_object(key, "hello");
  CHECK(Client(direct_config()).get_object(key) == "hello");
  REQUIRE(s3.warnings.size() == 2);
  for (int i = 0; i < 2; ++i) {
    const std::string &warning = s3.warnings[static_cast<std::size_t>(i)];
    CAPTURE(warning);
    CHECK(contains(warning, "S3 PutObject s3://" + s3.config.bucket + "/" + key));
    CHECK(contains(warning, "HTTP 503 SlowDown"));
    CHECK(contains(warning, "retry " + std::to_string(i + 1) + "/3 in "));
    CHECK(contains(warning, " ms"));
  }
  Client(direct_config()).delete_object(key);
}

TEST_CASE("a request that stays throttled fails after its retries, each one logged") {
  if (!have_server()) return;
  FaultyS3 s3({"throttle:GetObject:10"});
  Client client(s3.config);
  CHECK_THROWS_WITH_AS(client.get_object(prefix_for("always") + "x"),
                       doctest::Contains("(after 4 attempts)"), S3Error);
  CHECK(s3.warnings.size() == 3);
  CHECK(s3.count("GetObject") == 4);
}

TEST_CASE("a lost CompleteMultipartUpload reply is recognised from the object, not retried") {
  if (!have_server()) return;
  FaultyS3 s3({"lose-complete-reply:1"});
  Client client(s3.config);
  const std::string key = prefix_for("lost_reply") + "big.bin";
  std::string first(MultipartUpload::kMinPartBytes, 'a');
  {
    MultipartUpload upload(client, key);
    upload.add_part(first);
    upload.add_part("tail");
    upload.complete();
  }
  // One completion reached s3rver; the client looked at the object instead of retrying it.
  CHECK(s3.count("CompleteMultipartUpload") == 1);
  CHECK(s3.count("HeadObject") >= 1);
  REQUIRE(s3.warnings.size() == 1);
  CHECK(contains(s3.warnings[0], "CompleteMultipartUpload s3://"));
  CHECK(contains(s3.warnings[0], "the object is complete all the same"));
  Client direct(direct_config());
  std::string back = direct.get_object(key);
  CHECK(back.size() == first.size() + 4);
  CHECK(back.substr(back.size() - 4) == "tail");
  direct.delete_object(key);
}

TEST_CASE("the staging writer survives a lost completion reply with every row in place") {
  if (!have_server()) return;
  FaultyS3 s3({"lose-complete-reply:1"});
  Client client(s3.config);
  const StagingOptions options = uncompressed_staging(prefix_for("staging_lost_reply"), 1);
  StagingWriter writer(client, options);
  std::string expected;
  for (int i = 0; i < 70000; ++i) {  // about 7 MiB: two parts
    const std::string row = std::to_string(i) + ",\"" + std::string(90, 'x') + "\"\n";
    expected += row;
    writer.add_raw(std::to_string(i));
    writer.add_string(std::string(90, 'x'));
    writer.end_row();
  }
  StagedBatch batch = writer.finish();
  REQUIRE(batch.files.size() == 1);
  CHECK(s3.count("CompleteMultipartUpload") == 1);
  Client direct(direct_config());
  CHECK(read_staged_object(direct, batch.files[0].key, Compression::None) == expected);
  delete_staged(direct, batch);
}

TEST_CASE("a retried completion answered NoSuchUpload fails clearly when the object is not ours") {
  if (!have_server()) return;
  // The reply is lost and the object is gone before the client looks (another writer removed
  // or replaced it); the retried completion then meets S3's NoSuchUpload.
  FaultyS3 s3({"lose-complete-reply:1", "delete-after-lost-reply", "no-such-upload"});
  Client client(s3.config);
  const std::string prefix = prefix_for("no_such_upload");
  const std::string key = prefix + "big.bin";
  {
    MultipartUpload upload(client, key);
    upload.add_part(std::string(MultipartUpload::kMinPartBytes, 'c'));
    upload.add_part("tail");
    CHECK_THROWS_WITH_AS(upload.complete(), doctest::Contains("NoSuchUpload"), S3Error);
  }
  CHECK(s3.count("CompleteMultipartUpload") == 2);
  CHECK_FALSE(Client(direct_config()).head_object(key).has_value());
  CHECK(Client(direct_config()).list_objects(prefix).empty());
}

TEST_CASE("DeleteObjects answering 200 with per-key AccessDenied names every key it left") {
  if (!have_server()) return;
  FaultyS3 s3({"deny-delete"});
  Client direct(direct_config());
  const std::string prefix = prefix_for("denied");
  std::vector<std::string> keys;
  for (int i = 0; i < 3; ++i) {
    keys.push_back(prefix + "file-" + std::to_string(i));
    direct.put_object(keys.back(), "x");
  }
  Client client(s3.config);
  const auto error = thrown<DeleteObjectsError>([&] { client.delete_objects(keys); },
                                                "expected DeleteObjectsError");
  CHECK(error.failed_keys() == keys);
  CHECK(error.code() == "AccessDenied");
  CHECK(contains(error.what(), "could not delete 3 of 3 keys"));
  CHECK(direct.list_objects(prefix).size() == 3);
  direct.delete_objects(keys);
}

TEST_CASE("HEAD reports an object's size and ETag, and a missing object as absent") {
  if (!have_server()) return;
  Client client(direct_config());
  const std::string key = prefix_for("head") + "object.txt";
  CHECK_FALSE(client.head_object(key).has_value());
  client.put_object(key, "hello");
  auto info = client.head_object(key);
  REQUIRE(info.has_value());
  CHECK(info->size == 5);
  CHECK(info->etag == "\"5d41402abc4b2a76b9719d911017c592\"");  // MD5 of "hello"
  client.delete_object(key);
}

TEST_CASE("s3rver does not implement ListMultipartUploads: the error says NotImplemented") {
  // Pins down the limit of the test server that chorus staging list works around (it reports
  // the uploads it cannot list instead of failing); S3 itself lists them.
  if (!have_server()) return;
  Client client(direct_config());
  const auto error =
      thrown<S3Error>([&] { client.list_multipart_uploads("tests/"); },
                      "s3rver now lists multipart uploads: test chorus staging clean against it");
  CHECK(error.status() == 501);
  CHECK(error.code() == "NotImplemented");
}
