// SigV4 against the values AWS publishes: the Signature Version 4 test suite (credentials
// AKIDEXAMPLE, service "service", 2015-08-30T12:36:00Z) and the worked examples of the S3 API
// reference (AKIAIOSFODNN7EXAMPLE, bucket "examplebucket", 2013-05-24T00:00:00Z).
#include "chorus/s3/sigv4.h"

#include <doctest/doctest.h>

using namespace chorus::s3;

namespace {

const Credentials kSuite{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", "test"};
const SigningScope kSuiteScope{"20150830T123600Z", "us-east-1", "service"};

const Credentials kS3Docs{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "",
                          "test"};
const SigningScope kS3DocsScope{"20130524T000000Z", "us-east-1", "s3"};

SigningRequest suite_request(std::string method,
                             std::vector<std::pair<std::string, std::string>> query = {}) {
  SigningRequest request;
  request.method = std::move(method);
  request.canonical_uri = "/";
  request.query = std::move(query);
  request.headers = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}};
  request.payload_hash = std::string(kEmptyPayloadSha256);
  return request;
}

SigningRequest s3_docs_request(std::string method, std::string uri,
                               std::vector<std::pair<std::string, std::string>> query,
                               std::string payload_hash) {
  SigningRequest request;
  request.method = std::move(method);
  request.canonical_uri = std::move(uri);
  request.query = std::move(query);
  request.headers = {{"Host", "examplebucket.s3.amazonaws.com"},
                     {"x-amz-date", "20130524T000000Z"},
                     {"x-amz-content-sha256", payload_hash}};
  request.payload_hash = std::move(payload_hash);
  return request;
}

}  // namespace

TEST_CASE("get-vanilla reproduces the test suite's canonical request and authorization") {
  SigningRequest request = suite_request("GET");
  CHECK(canonical_request(request) ==
        "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
        "host;x-amz-date\n"
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex(canonical_request(request)) ==
        "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
  CHECK(authorization_header(request, kSuiteScope, kSuite) ==
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
        "SignedHeaders=host;x-amz-date, "
        "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST_CASE("post-vanilla signs the method") {
  CHECK(signature(suite_request("POST"), kSuiteScope, kSuite.secret_access_key) ==
        "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
}

TEST_CASE("get-vanilla-query-order-key-case sorts query parameters by name") {
  SigningRequest request = suite_request("GET", {{"Param2", "value2"}, {"Param1", "value1"}});
  CHECK(canonical_query_string(request.query) == "Param1=value1&Param2=value2");
  CHECK(signature(request, kSuiteScope, kSuite.secret_access_key) ==
        "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
}

TEST_CASE("S3 example GET Object with a Range header") {
  SigningRequest request =
      s3_docs_request("GET", "/test.txt", {}, std::string(kEmptyPayloadSha256));
  request.headers.emplace_back("Range", "bytes=0-9");
  CHECK(authorization_header(request, kS3DocsScope, kS3Docs) ==
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
        "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST_CASE("S3 example PUT Object encodes '$' in the key once") {
  const std::string body = "Welcome to Amazon S3.";
  CHECK(sha256_hex(body) == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  SigningRequest request =
      s3_docs_request("PUT", "/" + uri_encode("test$file.text", false), {}, sha256_hex(body));
  CHECK(request.canonical_uri == "/test%24file.text");
  request.headers.emplace_back("Date", "Fri, 24 May 2013 00:00:00 GMT");
  request.headers.emplace_back("x-amz-storage-class", "REDUCED_REDUNDANCY");
  CHECK(signed_header_names(request) ==
        "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class");
  CHECK(signature(request, kS3DocsScope, kS3Docs.secret_access_key) ==
        "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST_CASE("S3 example GET Bucket Lifecycle signs a query parameter without a value") {
  SigningRequest request =
      s3_docs_request("GET", "/", {{"lifecycle", ""}}, std::string(kEmptyPayloadSha256));
  CHECK(canonical_query_string(request.query) == "lifecycle=");
  CHECK(signature(request, kS3DocsScope, kS3Docs.secret_access_key) ==
        "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

TEST_CASE("S3 example GET Bucket (List Objects) with max-keys and prefix") {
  SigningRequest request = s3_docs_request("GET", "/", {{"prefix", "J"}, {"max-keys", "2"}},
                                           std::string(kEmptyPayloadSha256));
  CHECK(signature(request, kS3DocsScope, kS3Docs.secret_access_key) ==
        "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST_CASE("uri_encode keeps unreserved characters and slashes in key paths only") {
  CHECK(uri_encode("a b/c~d_e.f-g", false) == "a%20b/c~d_e.f-g");
  CHECK(uri_encode("a/b", true) == "a%2Fb");
  CHECK(uri_encode("\xc3\xbc", true) == "%C3%BC");
}

TEST_CASE("amz_date formats Unix time as ISO 8601 basic in UTC") {
  CHECK(amz_date(1440938160) == "20150830T123600Z");
}

TEST_CASE("header values are trimmed and inner spaces collapsed before signing") {
  SigningRequest request = suite_request("GET");
  request.headers.emplace_back("My-Header1", "  value1   with  spaces ");
  CHECK(canonical_request(request).find("my-header1:value1 with spaces\n") != std::string::npos);
}
