#include "chorus/s3/staging_settings.h"

#include <cstdio>
#include <ctime>
#include <random>

#include "chorus/plugin/errors.h"
#include "chorus/plugin/setting.h"
#include "chorus/s3/sigv4.h"

namespace chorus::s3 {

namespace {

const Setting<std::string> kBucket =
    Setting<std::string>("s3_bucket",
                         "Bucket where batches are staged before the warehouse loads them.")
        .required();
const Setting<std::string> kKeyPrefix =
    Setting<std::string>("s3_key_prefix", "Key prefix of staged files.").defaults_to("chorus");
const Setting<std::string> kRegion =
    Setting<std::string>("s3_region", "Bucket region.").defaults_to("us-east-1");
const Setting<std::string> kEndpointUrl = Setting<std::string>(
    "s3_endpoint_url", "S3-compatible endpoint (scheme, host, port); empty for AWS S3 itself.");
const Setting<std::string> kAddressingStyle =
    Setting<std::string>("s3_addressing_style",
                         "path: endpoint/bucket/key; virtual: bucket.endpoint/key; auto: virtual "
                         "on AWS, path on a custom endpoint.")
        .one_of({"auto", "path", "virtual"})
        .defaults_to("auto");
const Setting<std::string> kAccessKeyId =
    Setting<std::string>("aws_access_key_id",
                         "Access key for S3. When absent: AWS_ACCESS_KEY_ID, the shared "
                         "credentials file, then the EC2 instance role.")
        .secret();
const Setting<std::string> kSecretAccessKey =
    Setting<std::string>("aws_secret_access_key", "Secret of aws_access_key_id.").secret();
const Setting<std::string> kSessionToken =
    Setting<std::string>("aws_session_token", "Session token for temporary credentials.").secret();
const Setting<std::string> kProfile = Setting<std::string>(
    "aws_profile", "Profile of the shared credentials file (default: AWS_PROFILE).");
const Setting<std::string> kCompression =
    Setting<std::string>("compression", "Compression of staged CSV files.")
        .one_of({"zstd", "gzip", "none"})
        .defaults_to("zstd");
const Setting<std::size_t> kStagedFileCount =
    Setting<std::size_t>("staged_file_count",
                         "Files per batch (round_robin split): a multiple of the warehouse's "
                         "slices loads in parallel.")
        .at_least(1)
        .defaults_to(4);
const Setting<std::string> kSplitMode =
    Setting<std::string>("split_mode",
                         "round_robin: staged_file_count files of similar size; size: a new file "
                         "every max_staged_file_bytes of CSV.")
        .one_of({"round_robin", "size"})
        .defaults_to("round_robin");
const Setting<std::size_t> kMaxStagedFileBytes =
    Setting<std::size_t>("max_staged_file_bytes",
                         "Uncompressed CSV bytes per file with split_mode size.")
        .at_least(1048576)
        .defaults_to(std::size_t{256} << 20);
const Setting<bool> kKeepStagedFiles =
    Setting<bool>("keep_staged_files",
                  "Keep staged files after a successful load (for inspection).")
        .defaults_to(false);

}  // namespace

SettingList staging_setting_list() {
  return {&kBucket,
          &kKeyPrefix,
          &kRegion,
          &kEndpointUrl,
          &kAddressingStyle,
          &kAccessKeyId,
          &kSecretAccessKey,
          &kSessionToken,
          &kProfile,
          &kCompression,
          &kStagedFileCount,
          &kSplitMode,
          &kMaxStagedFileBytes,
          &kKeepStagedFiles};
}

StagingSettings staging_settings(const nlohmann::json &config) {
  StagingSettings settings;
  ClientConfig &client = settings.client;
  client.bucket = kBucket.read(config);
  if (client.bucket.empty()) throw ConfigError("s3_bucket is required: the bucket to stage in");
  client.region = kRegion.read(config);
  client.endpoint = kEndpointUrl.read(config);
  std::string style = kAddressingStyle.read(config);
  if (style == "path")
    client.addressing = Addressing::Path;
  else if (style == "virtual")
    client.addressing = Addressing::Virtual;
  else if (style == "auto")
    client.addressing = Addressing::Auto;
  else
    throw ConfigError("s3_addressing_style '" + style + "': use auto, path or virtual");

  CredentialSettings credentials;
  credentials.access_key_id = kAccessKeyId.read(config);
  credentials.secret_access_key = kSecretAccessKey.read(config);
  credentials.session_token = kSessionToken.read(config);
  credentials.profile = kProfile.read(config);
  client.credentials = resolve_credentials(credentials);

  StagingOptions &options = settings.options;
  options.prefix = kKeyPrefix.read(config);
  options.compression = parse_compression(kCompression.read(config));
  options.file_count = kStagedFileCount.read(config);
  options.split = parse_split_mode(kSplitMode.read(config));
  options.max_file_bytes = kMaxStagedFileBytes.read(config);
  settings.keep_staged_files = kKeepStagedFiles.read(config);
  return settings;
}

std::string batch_prefix(const std::string &base, const std::string &stream) {
  static thread_local std::mt19937_64 random(std::random_device{}());
  std::string prefix = base;
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  if (!prefix.empty()) prefix += "/";
  char suffix[20];
  std::snprintf(suffix, sizeof suffix, "%016llx", static_cast<unsigned long long>(random()));
  return prefix + stream + "/" + amz_date(static_cast<long long>(std::time(nullptr))) + "-" +
         suffix + "/";
}

}  // namespace chorus::s3
