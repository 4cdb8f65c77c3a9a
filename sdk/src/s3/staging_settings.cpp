#include "chorus/s3/staging_settings.h"

#include <cstdio>
#include <ctime>
#include <random>

#include "chorus/plugin/errors.h"
#include "chorus/s3/sigv4.h"

namespace chorus::s3 {

nlohmann::json staging_settings_properties() {
  auto text = [](const char *description) {
    return nlohmann::json{{"type", "string"}, {"description", description}};
  };
  auto secret = [](const char *description) {
    return nlohmann::json{{"type", "string"}, {"secret", true}, {"description", description}};
  };
  return {
      {"s3_bucket", text("Bucket where batches are staged before the warehouse loads them.")},
      {"s3_key_prefix",
       {{"type", "string"}, {"default", "chorus"}, {"description", "Key prefix of staged files."}}},
      {"s3_region",
       {{"type", "string"}, {"default", "us-east-1"}, {"description", "Bucket region."}}},
      {"s3_endpoint_url",
       text("S3-compatible endpoint (scheme, host, port); empty for AWS S3 itself.")},
      {"s3_addressing_style",
       {{"type", "string"},
        {"enum", {"auto", "path", "virtual"}},
        {"default", "auto"},
        {"description",
         "path: endpoint/bucket/key; virtual: bucket.endpoint/key; auto: virtual on AWS, path "
         "on a custom endpoint."}}},
      {"aws_access_key_id",
       secret("Access key for S3. When absent: AWS_ACCESS_KEY_ID, the shared credentials file, "
              "then the EC2 instance role.")},
      {"aws_secret_access_key", secret("Secret of aws_access_key_id.")},
      {"aws_session_token", secret("Session token for temporary credentials.")},
      {"aws_profile", text("Profile of the shared credentials file (default: AWS_PROFILE).")},
      {"compression",
       {{"type", "string"},
        {"enum", {"zstd", "gzip", "none"}},
        {"default", "zstd"},
        {"description", "Compression of staged CSV files."}}},
      {"staged_file_count",
       {{"type", "integer"},
        {"minimum", 1},
        {"default", 4},
        {"description",
         "Files per batch (round_robin split): a multiple of the warehouse's slices loads in "
         "parallel."}}},
      {"split_mode",
       {{"type", "string"},
        {"enum", {"round_robin", "size"}},
        {"default", "round_robin"},
        {"description",
         "round_robin: staged_file_count files of similar size; size: a new file every "
         "max_staged_file_bytes of CSV."}}},
      {"max_staged_file_bytes",
       {{"type", "integer"},
        {"minimum", 1048576},
        {"default", 268435456},
        {"description", "Uncompressed CSV bytes per file with split_mode size."}}},
      {"keep_staged_files",
       {{"type", "boolean"},
        {"default", false},
        {"description", "Keep staged files after a successful load (for inspection)."}}},
  };
}

StagingSettings staging_settings(const nlohmann::json &config) {
  StagingSettings settings;
  ClientConfig &client = settings.client;
  client.bucket = config.value("s3_bucket", "");
  if (client.bucket.empty()) throw ConfigError("s3_bucket is required: the bucket to stage in");
  client.region = config.value("s3_region", "us-east-1");
  client.endpoint = config.value("s3_endpoint_url", "");
  std::string style = config.value("s3_addressing_style", "auto");
  if (style == "path")
    client.addressing = Addressing::Path;
  else if (style == "virtual")
    client.addressing = Addressing::Virtual;
  else if (style == "auto")
    client.addressing = Addressing::Auto;
  else
    throw ConfigError("s3_addressing_style '" + style + "': use auto, path or virtual");

  CredentialSettings credentials;
  credentials.access_key_id = config.value("aws_access_key_id", "");
  credentials.secret_access_key = config.value("aws_secret_access_key", "");
  credentials.session_token = config.value("aws_session_token", "");
  credentials.profile = config.value("aws_profile", "");
  client.credentials = resolve_credentials(credentials);

  StagingOptions &options = settings.options;
  options.prefix = config.value("s3_key_prefix", "chorus");
  options.compression = parse_compression(config.value("compression", "zstd"));
  options.file_count = config.value("staged_file_count", std::size_t{4});
  options.split = parse_split_mode(config.value("split_mode", "round_robin"));
  options.max_file_bytes = config.value("max_staged_file_bytes", std::size_t{256} << 20);
  settings.keep_staged_files = config.value("keep_staged_files", false);
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
