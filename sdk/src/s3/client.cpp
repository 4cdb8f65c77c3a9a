#include "chorus/s3/client.h"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <ctime>
#include <optional>
#include <random>
#include <thread>

#include "chorus/plugin/context.h"
#include "chorus/s3/sigv4.h"
#include "chorus/s3/xml_text.h"
#include "s3/curl_global.h"

namespace chorus::s3 {

struct Client::Request {
  const char *method = "GET";
  std::string_view key;  // empty: the bucket itself
  std::vector<std::pair<std::string, std::string>> query;
  std::vector<std::pair<std::string, std::string>> headers;  // extra, signed
  std::string_view body;
  const char *operation = "GET";  // for messages: "PUT", "ListObjectsV2", ...
};

struct Client::Response {
  long status = 0;
  std::string body;
  std::string etag;
  std::uint64_t content_length = 0;  // from the header: what HEAD reports
};

struct Client::Connection {
  CURL *curl = nullptr;
  ~Connection() {
    if (curl) curl_easy_cleanup(curl);
  }
};

namespace {

struct Endpoint {
  std::string scheme;  // "https"
  std::string host;    // "s3.us-east-1.amazonaws.com" or "127.0.0.1:45690"
};

Endpoint parse_endpoint(const ClientConfig &config) {
  std::string text =
      config.endpoint.empty() ? "https://s3." + config.region + ".amazonaws.com" : config.endpoint;
  Endpoint endpoint;
  std::size_t scheme_end = text.find("://");
  if (scheme_end == std::string::npos) {
    endpoint.scheme = "https";
  } else {
    endpoint.scheme = text.substr(0, scheme_end);
    text = text.substr(scheme_end + 3);
  }
  endpoint.host = text.substr(0, text.find('/'));
  return endpoint;
}

bool path_style(const ClientConfig &config) {
  switch (config.addressing) {
    case Addressing::Path:
      return true;
    case Addressing::Virtual:
      return false;
    case Addressing::Auto:
      break;
  }
  // Bucket names with dots break TLS wildcard certificates under virtual-hosted addressing.
  return !config.endpoint.empty() || config.bucket.find('.') != std::string::npos;
}

std::size_t append_body(char *data, std::size_t size, std::size_t count, void *out) {
  static_cast<std::string *>(out)->append(data, size * count);
  return size * count;
}

// The value of header `name` in one header line, or nullopt when the line is another header.
std::optional<std::string_view> header_value(std::string_view line, std::string_view name) {
  if (line.size() <= name.size() || line[name.size()] != ':' ||
      strncasecmp(line.data(), name.data(), name.size()) != 0) {
    return std::nullopt;
  }
  std::string_view value = line.substr(name.size() + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
    value.remove_suffix(1);
  }
  return value;
}

std::size_t capture_headers(char *data, std::size_t size, std::size_t count, void *out) {
  auto *response = static_cast<Client::Response *>(out);
  std::string_view line(data, size * count);
  if (auto etag = header_value(line, "etag")) response->etag = std::string(*etag);
  if (auto length = header_value(line, "content-length")) {
    response->content_length = std::strtoull(std::string(*length).c_str(), nullptr, 10);
  }
  return size * count;
}

// An ETag without its quotes.
std::string_view bare_etag(std::string_view etag) {
  while (!etag.empty() && etag.front() == '"') etag.remove_prefix(1);
  while (!etag.empty() && etag.back() == '"') etag.remove_suffix(1);
  return etag;
}

// S3's ETag of a completed multipart upload: the MD5 of the concatenated binary MD5s of the
// parts, then "-" and the number of parts. Empty when a part's ETag is not an MD5.
std::string multipart_etag(const std::vector<UploadedPart> &parts) {
  std::string digests;
  for (const UploadedPart &part : parts) {
    std::string_view hex = bare_etag(part.etag);
    if (hex.size() != 32) return "";
    for (std::size_t i = 0; i < hex.size(); i += 2) {
      digests.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
    }
  }
  return md5_hex(digests) + "-" + std::to_string(parts.size());
}

bool transient_status(long status, const std::string &code) {
  // 501 Not Implemented is the server's final word.
  return (status >= 500 && status != 501) || status == 429 || code == "SlowDown" ||
         code == "Throttling" || code == "RequestTimeout" || code == "RequestTimeTooSkewed" ||
         code == "InternalError";
}

}  // namespace

bool S3Error::transient() const { return status_ == 0 || transient_status(status_, code_); }

Client::Client(ClientConfig config)
    : config_(std::move(config)), connection_(std::make_unique<Connection>()) {
  ensure_curl_initialised();
  connection_->curl = curl_easy_init();
  if (!connection_->curl) throw S3Error("cannot create a libcurl handle", 0, "");
}

Client::~Client() = default;

std::string Client::object_url(std::string_view key) const {
  return "s3://" + config_.bucket + "/" + std::string(key);
}

std::string Client::http_url(std::string_view key) const {
  Endpoint endpoint = parse_endpoint(config_);
  std::string encoded = uri_encode(key, false);
  if (path_style(config_)) {
    return endpoint.scheme + "://" + endpoint.host + "/" + config_.bucket +
           (key.empty() ? "" : "/" + encoded);
  }
  return endpoint.scheme + "://" + config_.bucket + "." + endpoint.host + "/" + encoded;
}

long Client::retry_delay_ms(int attempt) {
  static thread_local std::mt19937 jitter(std::random_device{}());
  long delay = config_.retry_base_delay_ms << std::min(attempt, 6);
  delay = std::min<long>(delay, 20000);
  return delay + std::uniform_int_distribution<long>(0, delay / 2)(jitter);
}

void Client::warn_retry(const S3Error &error, int attempt, long delay_ms) const {
  // error.what() names the operation, the object and the status or transport error.
  std::string message = std::string(error.what()) + "; retry " + std::to_string(attempt + 1) + "/" +
                        std::to_string(config_.max_retries) + " in " + std::to_string(delay_ms) +
                        " ms";
  warn(message);
}

void Client::warn(const std::string &message) const {
  if (config_.warn) {
    config_.warn(message);
  } else {
    PluginContext().warn(message);
  }
}

Client::Response Client::perform(const Request &request, int max_retries) {
  if (max_retries < 0) max_retries = config_.max_retries;
  Endpoint endpoint = parse_endpoint(config_);
  const bool by_path = path_style(config_);
  const std::string host = by_path ? endpoint.host : config_.bucket + "." + endpoint.host;
  std::string canonical_uri = "/";
  if (by_path) canonical_uri += config_.bucket + (request.key.empty() ? "" : "/");
  canonical_uri += uri_encode(request.key, false);
  const std::string query = canonical_query_string(request.query);
  const std::string url =
      endpoint.scheme + "://" + host + canonical_uri + (query.empty() ? "" : "?" + query);
  const std::string payload_hash = sha256_hex(request.body);
  const std::string target = "s3://" + config_.bucket + "/" + std::string(request.key);

  for (int attempt = 0;; ++attempt) {
    SigningRequest signing;
    signing.method = request.method;
    signing.canonical_uri = canonical_uri;
    signing.query = request.query;
    signing.payload_hash = payload_hash;
    signing.headers = request.headers;
    signing.headers.emplace_back("host", host);
    const std::string date = amz_date(static_cast<long long>(std::time(nullptr)));
    signing.headers.emplace_back("x-amz-date", date);
    signing.headers.emplace_back("x-amz-content-sha256", payload_hash);
    if (!config_.credentials.session_token.empty()) {
      signing.headers.emplace_back("x-amz-security-token", config_.credentials.session_token);
    }
    const SigningScope scope{date, config_.region, "s3"};

    curl_slist *headers = nullptr;
    for (const auto &[name, value] : signing.headers) {
      headers = curl_slist_append(headers, (name + ": " + value).c_str());
    }
    headers = curl_slist_append(
        headers,
        ("Authorization: " + authorization_header(signing, scope, config_.credentials)).c_str());
    headers = curl_slist_append(headers, "Expect:");

    CURL *curl = connection_->curl;
    curl_easy_reset(curl);
    Response response;
    char error_buffer[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, config_.connect_timeout_ms);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, config_.request_timeout_ms);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, capture_headers);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response);
    const std::string_view method = request.method;
    if (method == "PUT" || method == "POST") {
      curl_easy_setopt(curl, CURLOPT_POST, 1L);
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
    }
    if (method == "HEAD") curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method);

    CURLcode code = curl_easy_perform(curl);
    curl_slist_free_all(headers);
    std::string message;
    std::string s3_code;
    if (code != CURLE_OK) {
      message = std::string(curl_easy_strerror(code)) +
                (error_buffer[0] ? std::string(": ") + error_buffer : std::string());
    } else {
      curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
      // CompleteMultipartUpload can fail with a 200 whose body is an <Error>.
      bool error_body = response.status == 200 &&
                        std::string_view(request.operation) == "CompleteMultipartUpload" &&
                        response.body.find("<Error>") != std::string::npos;
      if (response.status < 300 && !error_body) return response;
      s3_code = xml_text(response.body, "Code");
      message = "HTTP " + std::to_string(response.status) + (s3_code.empty() ? "" : " " + s3_code);
      std::string detail = xml_text(response.body, "Message");
      if (!detail.empty()) message += ": " + detail;
      if (error_body) response.status = 500;
    }
    S3Error error("S3 " + std::string(request.operation) + " " + target + " failed: " + message,
                  code == CURLE_OK ? response.status : 0, s3_code);
    if (!error.transient() || attempt >= max_retries) {
      if (attempt > 0) {
        throw S3Error(
            std::string(error.what()) + " (after " + std::to_string(attempt + 1) + " attempts)",
            error.status(), error.code());
      }
      throw error;
    }
    const long delay = retry_delay_ms(attempt);
    warn_retry(error, attempt, delay);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay));
  }
}

void Client::put_object(std::string_view key, std::string_view body,
                        std::string_view content_type) {
  put_object_if(key, body, PutCondition{}, content_type);
}

std::string Client::get_object(std::string_view key) {
  Request request;
  request.operation = "GetObject";
  request.key = key;
  return perform(request).body;
}

std::string Client::put_object_if(std::string_view key, std::string_view body,
                                  const PutCondition &condition, std::string_view content_type) {
  Request request;
  request.method = "PUT";
  request.operation = "PutObject";
  request.key = key;
  request.body = body;
  request.headers.emplace_back("content-type", std::string(content_type));
  if (condition.only_if_absent) request.headers.emplace_back("if-none-match", "*");
  if (!condition.only_if_etag.empty()) {
    request.headers.emplace_back("if-match", condition.only_if_etag);
  }
  return perform(request).etag;
}

std::optional<ObjectVersion> Client::get_object_version(std::string_view key) {
  Request request;
  request.operation = "GetObject";
  request.key = key;
  try {
    Response response = perform(request);
    return ObjectVersion{std::move(response.body), std::move(response.etag)};
  } catch (const S3Error &error) {
    if (error.status() == 404) return std::nullopt;
    throw;
  }
}

std::optional<ObjectInfo> Client::head_object(std::string_view key) {
  Request request;
  request.method = "HEAD";
  request.operation = "HeadObject";
  request.key = key;
  try {
    Response response = perform(request);
    return ObjectInfo{std::string(key), response.content_length, response.etag};
  } catch (const S3Error &error) {
    if (error.status() == 404) return std::nullopt;
    throw;
  }
}

void Client::delete_object(std::string_view key) {
  Request request;
  request.method = "DELETE";
  request.operation = "DeleteObject";
  request.key = key;
  perform(request);
}

void Client::delete_objects(const std::vector<std::string> &keys) {
  constexpr std::size_t kBatch = 1000;  // S3's limit per DeleteObjects request
  for (std::size_t begin = 0; begin < keys.size(); begin += kBatch) {
    std::string body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Delete><Quiet>true</Quiet>";
    for (std::size_t i = begin; i < std::min(keys.size(), begin + kBatch); ++i) {
      body += "<Object><Key>" + xml_escape(keys[i]) + "</Key></Object>";
    }
    body += "</Delete>";
    Request request;
    request.method = "POST";
    request.operation = "DeleteObjects";
    request.query = {{"delete", ""}};
    request.body = body;
    request.headers = {{"content-type", "application/xml"}, {"content-md5", md5_base64(body)}};
    Response response = perform(request);
    auto errors = xml_elements(response.body, "Error");
    if (!errors.empty()) {
      std::vector<std::string> failed;
      failed.reserve(errors.size());
      for (std::string_view error : errors) failed.push_back(xml_text(error, "Key"));
      const std::string code = xml_text(errors.front(), "Code");
      const std::string message = "S3 DeleteObjects could not delete " +
                                  std::to_string(errors.size()) + " of " +
                                  std::to_string(std::min(keys.size() - begin, kBatch)) +
                                  " keys, the first s3://" + config_.bucket + "/" + failed.front() +
                                  ": " + code + " " + xml_text(errors.front(), "Message");
      throw DeleteObjectsError(message, code, std::move(failed));
    }
  }
}

std::vector<ObjectInfo> Client::list_objects(std::string_view prefix, int page_size) {
  std::vector<ObjectInfo> objects;
  std::string token;
  for (;;) {
    Request request;
    request.operation = "ListObjectsV2";
    request.query = {{"list-type", "2"},
                     {"prefix", std::string(prefix)},
                     {"max-keys", std::to_string(page_size)}};
    if (!token.empty()) request.query.emplace_back("continuation-token", token);
    Response response = perform(request);
    for (std::string_view contents : xml_elements(response.body, "Contents")) {
      ObjectInfo info;
      info.key = xml_text(contents, "Key");
      info.size = std::strtoull(xml_text(contents, "Size").c_str(), nullptr, 10);
      info.etag = xml_text(contents, "ETag");
      objects.push_back(std::move(info));
    }
    token = xml_text(response.body, "NextContinuationToken");
    if (xml_text(response.body, "IsTruncated") != "true" || token.empty()) break;
  }
  return objects;
}

std::vector<PendingUpload> Client::list_multipart_uploads(std::string_view prefix) {
  std::vector<PendingUpload> uploads;
  std::string key_marker;
  std::string upload_id_marker;
  for (;;) {
    Request request;
    request.operation = "ListMultipartUploads";
    request.query = {{"uploads", ""}, {"prefix", std::string(prefix)}};
    if (!key_marker.empty()) request.query.emplace_back("key-marker", key_marker);
    if (!upload_id_marker.empty()) request.query.emplace_back("upload-id-marker", upload_id_marker);
    Response response = perform(request);
    for (std::string_view upload : xml_elements(response.body, "Upload")) {
      uploads.push_back(PendingUpload{xml_text(upload, "Key"), xml_text(upload, "UploadId"),
                                      xml_text(upload, "Initiated")});
    }
    key_marker = xml_text(response.body, "NextKeyMarker");
    upload_id_marker = xml_text(response.body, "NextUploadIdMarker");
    if (xml_text(response.body, "IsTruncated") != "true" || key_marker.empty()) break;
  }
  return uploads;
}

std::string Client::create_multipart_upload(std::string_view key) {
  Request request;
  request.method = "POST";
  request.operation = "CreateMultipartUpload";
  request.key = key;
  request.query = {{"uploads", ""}};
  std::string upload_id = xml_text(perform(request).body, "UploadId");
  if (upload_id.empty()) {
    throw S3Error("S3 CreateMultipartUpload " + object_url(key) + " returned no UploadId", 200, "");
  }
  return upload_id;
}

std::string Client::upload_part(std::string_view key, std::string_view upload_id, int part_number,
                                std::string_view body) {
  Request request;
  request.method = "PUT";
  request.operation = "UploadPart";
  request.key = key;
  request.query = {{"partNumber", std::to_string(part_number)},
                   {"uploadId", std::string(upload_id)}};
  request.body = body;
  std::string etag = perform(request).etag;
  if (etag.empty()) {
    throw S3Error("S3 UploadPart " + object_url(key) + " part " + std::to_string(part_number) +
                      " returned no ETag",
                  200, "");
  }
  return etag;
}

void Client::complete_multipart_upload(std::string_view key, std::string_view upload_id,
                                       const std::vector<UploadedPart> &parts) {
  std::string body = "<CompleteMultipartUpload>";
  for (std::size_t i = 0; i < parts.size(); ++i) {
    body += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" +
            xml_escape(parts[i].etag) + "</ETag></Part>";
  }
  body += "</CompleteMultipartUpload>";
  Request request;
  request.method = "POST";
  request.operation = "CompleteMultipartUpload";
  request.key = key;
  request.query = {{"uploadId", std::string(upload_id)}};
  request.body = body;
  request.headers = {{"content-type", "application/xml"}};
  for (int attempt = 0;; ++attempt) {
    try {
      perform(request, 0);
      return;
    } catch (const S3Error &error) {
      const bool retried = attempt > 0;
      // S3 forgets an upload once it completed it, so NoSuchUpload after a lost reply (ours, or
      // one libcurl resent by itself on a dropped connection) means success exactly when the
      // object is there and is ours.
      if (error.code() == "NoSuchUpload") {
        if (object_holds_parts(key, parts)) return;
        throw S3Error("S3 CompleteMultipartUpload " + object_url(key) + ": " +
                          (retried ? "a retried completion" : "the completion") +
                          " found the upload gone (NoSuchUpload), and the object is not the " +
                          std::to_string(parts.size()) +
                          " parts uploaded; the upload was completed or aborted elsewhere",
                      error.status(), error.code());
      }
      if (!error.transient() || attempt >= config_.max_retries) {
        if (!retried) throw;
        throw S3Error(
            std::string(error.what()) + " (after " + std::to_string(attempt + 1) + " attempts)",
            error.status(), error.code());
      }
      // The reply may have been lost after S3 completed the upload; retrying would then fail.
      if (object_holds_parts(key, parts)) {
        warn(std::string(error.what()) +
             "; the object is complete all the same (HEAD: its size and ETag are those of the "
             "uploaded parts), so the completion is not retried");
        return;
      }
      const long delay = retry_delay_ms(attempt);
      warn_retry(error, attempt, delay);
      std::this_thread::sleep_for(std::chrono::milliseconds(delay));
    }
  }
}

bool Client::object_holds_parts(std::string_view key, const std::vector<UploadedPart> &parts) {
  std::optional<ObjectInfo> head = head_object(key);
  if (!head) return false;
  std::uint64_t size = 0;
  for (const UploadedPart &part : parts) size += part.size;
  if (head->size != size) return false;
  const std::string_view etag = bare_etag(head->etag);
  if (etag.find('-') != std::string_view::npos) return etag == multipart_etag(parts);
  // A plain MD5 ETag (servers other than S3 compute it over the whole object): the object is
  // ours when each part's bytes have the MD5 UploadPart acknowledged.
  const std::string content = get_object(key);
  if (content.size() != size) return false;
  std::size_t offset = 0;
  for (const UploadedPart &part : parts) {
    if (md5_hex(std::string_view(content).substr(offset, part.size)) != bare_etag(part.etag)) {
      return false;
    }
    offset += part.size;
  }
  return true;
}

void Client::abort_multipart_upload(std::string_view key, std::string_view upload_id) {
  Request request;
  request.method = "DELETE";
  request.operation = "AbortMultipartUpload";
  request.key = key;
  request.query = {{"uploadId", std::string(upload_id)}};
  perform(request);
}

MultipartUpload::MultipartUpload(Client &client, std::string key)
    : client_(client), key_(std::move(key)), upload_id_(client.create_multipart_upload(key_)) {}

MultipartUpload::~MultipartUpload() { abort(); }

void MultipartUpload::add_part(std::string_view body) {
  try {
    parts_.push_back(UploadedPart{
        client_.upload_part(key_, upload_id_, static_cast<int>(parts_.size() + 1), body),
        body.size()});
  } catch (...) {
    abort();
    throw;
  }
}

void MultipartUpload::complete() {
  completing_ = true;
  try {
    client_.complete_multipart_upload(key_, upload_id_, parts_);
    finished_ = true;
  } catch (...) {
    abort();
    throw;
  }
}

void MultipartUpload::abort() noexcept {
  if (finished_) return;
  finished_ = true;
  try {
    client_.abort_multipart_upload(key_, upload_id_);
  } catch (...) {
    // The upload stays incomplete; a bucket lifecycle rule for incomplete multipart uploads
    // is the only remedy left, and the original error is the one worth reporting.
  }
  if (!completing_) return;
  try {
    client_.delete_object(key_);  // a failed completion may have gone through all the same
  } catch (...) {
    // As above: the original error is the one worth reporting.
  }
}

}  // namespace chorus::s3
