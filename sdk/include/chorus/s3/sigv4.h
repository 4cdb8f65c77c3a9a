// AWS Signature Version 4: the request signing every S3 call (and any other AWS API) needs.
//
// The functions are pure (the signing time is an argument), so they are pinned by AWS's
// published test vectors.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "chorus/s3/credentials.h"

namespace chorus::s3 {

// The SHA-256 of an empty payload, as lowercase hex.
inline constexpr std::string_view kEmptyPayloadSha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::string sha256_hex(std::string_view data);
// Raw (binary) HMAC-SHA256 of `data` with `key`.
std::string hmac_sha256(std::string_view key, std::string_view data);
std::string to_hex(std::string_view bytes);
std::string base64_encode(std::string_view bytes);
std::string md5_base64(std::string_view data);  // the Content-MD5 header value
std::string md5_hex(std::string_view data);     // a plain ETag

// RFC 3986 percent-encoding as SigV4 defines it: A-Z a-z 0-9 - _ . ~ pass, everything else is
// %XX with uppercase hex. `/` passes when encode_slash is false (object key paths).
std::string uri_encode(std::string_view text, bool encode_slash);

// "20150830T123600Z" for a Unix time in seconds.
std::string amz_date(long long unix_seconds);

struct SigningRequest {
  std::string method;         // "GET", "PUT", ...
  std::string canonical_uri;  // the path, already URI-encoded ("/" at least)
  // Query parameters, unencoded; a parameter without a value ("?delete") has an empty value.
  std::vector<std::pair<std::string, std::string>> query;
  // Every header to sign, in any case and order. Must include host and x-amz-date.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string payload_hash;  // hex SHA-256 of the body, or "UNSIGNED-PAYLOAD"
};

struct SigningScope {
  std::string amz_date;  // "20150830T123600Z"; its first 8 characters are the scope date
  std::string region;    // "us-east-1"
  std::string service;   // "s3"
};

// The intermediate steps, exposed for tests and for debugging a SignatureDoesNotMatch.
std::string canonical_query_string(const std::vector<std::pair<std::string, std::string>> &query);
std::string canonical_request(const SigningRequest &request);
std::string signed_header_names(const SigningRequest &request);  // "host;x-amz-date"
std::string string_to_sign(const SigningRequest &request, const SigningScope &scope);
std::string signature(const SigningRequest &request, const SigningScope &scope,
                      std::string_view secret_access_key);

// The Authorization header value: "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/
// service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa0...".
std::string authorization_header(const SigningRequest &request, const SigningScope &scope,
                                 const Credentials &credentials);

}  // namespace chorus::s3
