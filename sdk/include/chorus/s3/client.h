// An S3 client: the object operations staging needs, signed with SigV4, over libcurl.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "chorus/s3/credentials.h"

namespace chorus::s3 {

enum class Addressing {
  Auto,     // virtual-hosted for AWS endpoints, path-style for a custom endpoint
  Path,     // https://endpoint/bucket/key
  Virtual,  // https://bucket.endpoint/key
};

struct ClientConfig {
  std::string bucket;
  std::string region = "us-east-1";
  // Scheme and host (and port) of a non-AWS or private endpoint: "http://127.0.0.1:9000".
  // Empty: https://s3.<region>.amazonaws.com.
  std::string endpoint;
  Addressing addressing = Addressing::Auto;
  Credentials credentials;
  int max_retries = 5;             // extra attempts on 5xx, 429, throttling and transport errors
  long retry_base_delay_ms = 200;  // doubled after every attempt, with jitter
  long connect_timeout_ms = 10000;
  long request_timeout_ms = 600000;
};

// An S3 request that failed for good (after retries, or at once for a 4xx). The message names
// the operation, the key, the HTTP status and S3's error code and message; never a credential.
class S3Error : public std::runtime_error {
 public:
  S3Error(const std::string &message, long status, std::string code)
      : std::runtime_error(message), status_(status), code_(std::move(code)) {}
  long status() const { return status_; }            // 0 for a transport error
  const std::string &code() const { return code_; }  // "NoSuchKey", "AccessDenied", ...
  // True for errors another attempt may fix (5xx, throttling, connection failures).
  bool transient() const;

 private:
  long status_;
  std::string code_;
};

struct ObjectInfo {
  std::string key;
  std::uint64_t size = 0;
  std::string etag;
};

// Not thread-safe: it owns one connection handle. Use one Client per thread (copying the
// ClientConfig is cheap).
class Client {
 public:
  explicit Client(ClientConfig config);
  ~Client();
  Client(const Client &) = delete;
  Client &operator=(const Client &) = delete;

  const ClientConfig &config() const { return config_; }
  // "s3://bucket/key", the form COPY statements and manifests use.
  std::string object_url(std::string_view key) const;
  // The HTTP URL a request for `key` goes to (addressing applied).
  std::string http_url(std::string_view key) const;

  void put_object(std::string_view key, std::string_view body,
                  std::string_view content_type = "application/octet-stream");
  std::string get_object(std::string_view key);
  void delete_object(std::string_view key);
  // DeleteObjects in batches of 1000. Throws S3Error naming the first key S3 could not delete.
  void delete_objects(const std::vector<std::string> &keys);
  // ListObjectsV2, following continuation tokens until the listing is complete. `page_size`
  // is max-keys per request (S3 caps it at 1000).
  std::vector<ObjectInfo> list_objects(std::string_view prefix, int page_size = 1000);

  // Multipart upload; see MultipartUpload for the safe way to use these.
  std::string create_multipart_upload(std::string_view key);
  // Returns the part's ETag. Parts other than the last must be at least 5 MiB.
  std::string upload_part(std::string_view key, std::string_view upload_id, int part_number,
                          std::string_view body);
  void complete_multipart_upload(std::string_view key, std::string_view upload_id,
                                 const std::vector<std::string> &etags);
  void abort_multipart_upload(std::string_view key, std::string_view upload_id);

  struct Response;
  struct Request;

 private:
  Response perform(const Request &request);
  ClientConfig config_;
  struct Connection;
  std::unique_ptr<Connection> connection_;
};

// One multipart upload. Parts are numbered from 1 in the order they are added. The destructor
// aborts the upload unless complete() succeeded, so a failure never leaves billed parts behind.
class MultipartUpload {
 public:
  static constexpr std::size_t kMinPartBytes = std::size_t{5} << 20;

  MultipartUpload(Client &client, std::string key);
  ~MultipartUpload();
  MultipartUpload(const MultipartUpload &) = delete;
  MultipartUpload &operator=(const MultipartUpload &) = delete;

  void add_part(std::string_view body);
  void complete();
  void abort() noexcept;
  std::size_t parts() const { return etags_.size(); }
  const std::string &key() const { return key_; }

 private:
  Client &client_;
  std::string key_;
  std::string upload_id_;
  std::vector<std::string> etags_;
  bool finished_ = false;
};

}  // namespace chorus::s3
