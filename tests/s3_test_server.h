// The S3 server of scripts/test-services.sh as a chorus::s3 client sees it: one configuration
// for the S3, warehouse and staging tests and the staging benchmark.
#pragma once

#include <cstddef>
#include <string>

#include "chorus/s3/client.h"
#include "chorus/s3/staging.h"
#include "test_env.h"

namespace chorus::testing {

// Endpoint, bucket, region and keys from CHORUS_TEST_S3_* (region us-east-1 when unset), path
// addressing (s3rver has no virtual hosts); `source` says where the keys came from in logs.
inline s3::ClientConfig test_s3_config(const char *source = "test") {
  s3::ClientConfig config;
  config.endpoint = env("CHORUS_TEST_S3_ENDPOINT");
  config.bucket = env("CHORUS_TEST_S3_BUCKET");
  if (!env("CHORUS_TEST_S3_REGION").empty()) config.region = env("CHORUS_TEST_S3_REGION");
  config.addressing = s3::Addressing::Path;
  config.credentials = {env("CHORUS_TEST_S3_ACCESS_KEY_ID"),
                        env("CHORUS_TEST_S3_SECRET_ACCESS_KEY"), "", source};
  return config;
}

// test_s3_config() with `max_retries` extra attempts from `retry_base_delay_ms` apart: tests
// that provoke failures want few and fast ones.
inline s3::ClientConfig test_s3_config_retrying(int max_retries, long retry_base_delay_ms) {
  s3::ClientConfig config = test_s3_config();
  config.max_retries = max_retries;
  config.retry_base_delay_ms = retry_base_delay_ms;
  return config;
}

// Staging of uncompressed CSV into `file_count` files under `prefix`, each uploaded in parts of
// `part_bytes` (by default the least S3 accepts): for tests that count parts and stored bytes.
inline s3::StagingOptions uncompressed_staging(
    std::string prefix, std::size_t file_count,
    std::size_t part_bytes = s3::MultipartUpload::kMinPartBytes) {
  s3::StagingOptions options;
  options.prefix = std::move(prefix);
  options.compression = s3::Compression::None;
  options.file_count = file_count;
  options.part_bytes = part_bytes;
  return options;
}

}  // namespace chorus::testing
