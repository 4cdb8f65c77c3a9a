// The S3 staging settings every warehouse target that loads through S3 shares, declared once.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "chorus/plugin/setting.h"
#include "chorus/s3/client.h"
#include "chorus/s3/staging.h"

namespace chorus::s3 {

// The staging settings, to add to a plugin's settings: s3_bucket, s3_key_prefix, s3_region,
// s3_endpoint_url, s3_addressing_style (auto|path|virtual), aws_access_key_id,
// aws_secret_access_key (secret), aws_session_token (secret), aws_profile, compression
// (zstd|gzip|none), staged_file_count, split_mode (round_robin|size), max_staged_file_bytes,
// keep_staged_files.
SettingList staging_setting_list();

struct StagingSettings {
  ClientConfig client;     // credentials resolved (config, env, shared file, instance role)
  StagingOptions options;  // prefix is the configured s3_key_prefix; callers extend it
  bool keep_staged_files = false;
};

// Reads the settings from a plugin config and resolves the AWS credentials. Throws ConfigError
// naming the setting.
StagingSettings staging_settings(const nlohmann::json &config);

// A key prefix unique to one batch: "<base>/<stream>/<UTC time>-<random>/".
std::string batch_prefix(const std::string &base, const std::string &stream);

}  // namespace chorus::s3
