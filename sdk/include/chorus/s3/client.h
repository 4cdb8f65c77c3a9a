// An S3 client: the object operations staging needs, signed with SigV4, over libcurl.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
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
  // Receives one warning per retried request, naming the operation, the object, the status
  // (or transport error), the attempt and the wait, so throttling is visible. Called on the
  // thread that runs the request. Empty: the warning goes to stderr.
  std::function<void(const std::string &)> warn;
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

// DeleteObjects answered, but could not delete some keys (AccessDenied for a role without
// s3:DeleteObject, ...). Keys it did delete are gone; failed_keys() are still there.
class DeleteObjectsError : public S3Error {
 public:
  DeleteObjectsError(const std::string &message, std::string code,
                     std::vector<std::string> failed_keys)
      : S3Error(message, 200, std::move(code)), failed_keys_(std::move(failed_keys)) {}
  const std::vector<std::string> &failed_keys() const { return failed_keys_; }

 private:
  std::vector<std::string> failed_keys_;
};

struct ObjectInfo {
  std::string key;
  std::uint64_t size = 0;
  std::string etag;
};

// The condition of a conditional PUT (S3's conditional writes): create only when the key is
// absent (If-None-Match: *), or replace only the version with this ETag (If-Match). A server
// that does not support conditional writes (s3rver) ignores both and writes unconditionally, so
// a caller that relies on them reads the object back to see whose write won.
struct PutCondition {
  bool only_if_absent = false;
  std::string only_if_etag;
};

// An object's bytes and the ETag of that version.
struct ObjectVersion {
  std::string body;
  std::string etag;
};

// A part of a multipart upload as UploadPart acknowledged it.
struct UploadedPart {
  std::string etag;
  std::uint64_t size = 0;
};

// A multipart upload S3 still holds (billed parts), from ListMultipartUploads.
struct PendingUpload {
  std::string key;
  std::string upload_id;
  std::string initiated;  // ISO 8601, as S3 gives it
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
  // A PUT under `condition`; returns the new version's ETag. A condition that does not hold is
  // an S3Error with status 412 (PreconditionFailed), or 409 (ConditionalRequestConflict) while
  // another conditional write of the key is in flight. Neither is retried.
  std::string put_object_if(std::string_view key, std::string_view body,
                            const PutCondition &condition,
                            std::string_view content_type = "application/json");
  // GET with the ETag, or nullopt when there is no such object.
  std::optional<ObjectVersion> get_object_version(std::string_view key);
  // HEAD: the object's size and ETag, or nullopt when there is no such object.
  std::optional<ObjectInfo> head_object(std::string_view key);
  void delete_object(std::string_view key);
  // DeleteObjects in batches of 1000. Throws DeleteObjectsError naming every key S3 could not
  // delete (it answers 200 with per-key errors), S3Error when a request failed.
  void delete_objects(const std::vector<std::string> &keys);
  // ListObjectsV2, following continuation tokens until the listing is complete. `page_size`
  // is max-keys per request (S3 caps it at 1000).
  std::vector<ObjectInfo> list_objects(std::string_view prefix, int page_size = 1000);
  // ListMultipartUploads under `prefix`, following the markers until the listing is complete.
  // Servers without it (s3rver) answer 501 NotImplemented, thrown as S3Error.
  std::vector<PendingUpload> list_multipart_uploads(std::string_view prefix);

  // Multipart upload; see MultipartUpload for the safe way to use these.
  std::string create_multipart_upload(std::string_view key);
  // Returns the part's ETag. Parts other than the last must be at least 5 MiB.
  std::string upload_part(std::string_view key, std::string_view upload_id, int part_number,
                          std::string_view body);
  // Completes the upload from `parts` (numbered from 1 in order). A completion whose reply is
  // lost may have completed all the same, after which every retry fails (NoSuchUpload). So
  // before each retry, and after NoSuchUpload answers a retry, HEAD looks at the object: it
  // counts as complete when it is exactly the uploaded parts (object_holds_parts()). Otherwise
  // the error names the key; the caller aborts the upload and deletes the key.
  void complete_multipart_upload(std::string_view key, std::string_view upload_id,
                                 const std::vector<UploadedPart> &parts);
  void abort_multipart_upload(std::string_view key, std::string_view upload_id);

  // True when the object at `key` is the concatenation of `parts`: its size is their sum, and
  // its ETag is S3's multipart ETag of them (the MD5 of the parts' MD5s, "-<count>"); a server
  // that gives a multipart object a plain MD5 ETag is checked by reading the object back and
  // comparing each part's MD5.
  bool object_holds_parts(std::string_view key, const std::vector<UploadedPart> &parts);

  struct Response;
  struct Request;

 private:
  // Sends `request`, retrying transient failures up to `max_retries` times (-1: the config's).
  Response perform(const Request &request, int max_retries = -1);
  // Milliseconds to wait before retry number `attempt` + 1 (doubling, capped, with jitter).
  long retry_delay_ms(int attempt);
  void warn_retry(const S3Error &error, int attempt, long delay_ms) const;
  void warn(const std::string &message) const;
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
  // Aborts the upload and, when a completion was attempted, deletes the key (the completion
  // may have gone through). Never throws.
  void abort() noexcept;
  std::size_t parts() const { return parts_.size(); }
  const std::string &key() const { return key_; }

 private:
  Client &client_;
  std::string key_;
  std::string upload_id_;
  std::vector<UploadedPart> parts_;
  bool completing_ = false;
  bool finished_ = false;
};

}  // namespace chorus::s3
