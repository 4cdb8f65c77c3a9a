#include "chorus/s3/credentials.h"

#include <curl/curl.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string_view>

#include "chorus/plugin/errors.h"
#include "s3/curl_global.h"

namespace chorus::s3 {
namespace {

std::string env(const char *name) {
  const char *value = std::getenv(name);
  return value ? value : "";
}

std::string trim(std::string_view text) {
  std::size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return "";
  std::size_t end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

void check_pair(const Credentials &credentials, const std::string &where) {
  if (credentials.access_key_id.empty() != credentials.secret_access_key.empty()) {
    throw ConfigError("AWS credentials from " + where +
                      " have only one of the access key id and the secret access key; set "
                      "both or neither");
  }
}

std::size_t append_body(char *data, std::size_t size, std::size_t count, void *out) {
  static_cast<std::string *>(out)->append(data, size * count);
  return size * count;
}

// One short request to the metadata service. Returns false on any failure: a machine that is
// not on EC2 simply has no instance role.
bool metadata_request(const std::string &url, const char *method, const std::string &header,
                      long timeout_ms, std::string &body) {
  ensure_curl_initialised();
  CURL *curl = curl_easy_init();
  if (!curl) return false;
  curl_slist *headers = curl_slist_append(nullptr, header.c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  if (std::string_view(method) == "PUT") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, "");
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, 0L);
  }
  CURLcode code = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return code == CURLE_OK && status == 200;
}

}  // namespace

Credentials read_shared_credentials_file(const std::string &path, const std::string &profile) {
  Credentials credentials;
  std::ifstream in(path);
  if (!in) return credentials;
  std::string line;
  bool in_profile = false;
  while (std::getline(in, line)) {
    std::string text = trim(line);
    if (text.empty() || text[0] == '#' || text[0] == ';') continue;
    if (text.front() == '[' && text.back() == ']') {
      std::string name = trim(std::string_view(text).substr(1, text.size() - 2));
      // The config file spells non-default profiles "profile NAME"; accept both.
      if (name.rfind("profile ", 0) == 0) name = trim(name.substr(8));
      in_profile = name == profile;
      continue;
    }
    if (!in_profile) continue;
    std::size_t equals = text.find('=');
    if (equals == std::string::npos) continue;
    std::string key = trim(std::string_view(text).substr(0, equals));
    std::string value = trim(std::string_view(text).substr(equals + 1));
    if (key == "aws_access_key_id") credentials.access_key_id = value;
    if (key == "aws_secret_access_key") credentials.secret_access_key = value;
    if (key == "aws_session_token") credentials.session_token = value;
  }
  credentials.source = "shared credentials file " + path + " [" + profile + "]";
  return credentials;
}

Credentials fetch_instance_role_credentials(const std::string &endpoint, long timeout_ms) {
  Credentials credentials;
  std::string base = endpoint;
  while (!base.empty() && base.back() == '/') base.pop_back();
  std::string token;
  if (!metadata_request(base + "/latest/api/token", "PUT",
                        "X-aws-ec2-metadata-token-ttl-seconds: 21600", timeout_ms, token)) {
    return credentials;
  }
  const std::string token_header = "X-aws-ec2-metadata-token: " + token;
  std::string roles;
  const std::string roles_url = base + "/latest/meta-data/iam/security-credentials/";
  if (!metadata_request(roles_url, "GET", token_header, timeout_ms, roles)) return credentials;
  std::string role = trim(roles.substr(0, roles.find('\n')));
  if (role.empty()) return credentials;
  std::string document;
  if (!metadata_request(roles_url + role, "GET", token_header, timeout_ms, document)) {
    return credentials;
  }
  nlohmann::json parsed = nlohmann::json::parse(document, nullptr, false);
  if (!parsed.is_object()) return credentials;
  credentials.access_key_id = parsed.value("AccessKeyId", "");
  credentials.secret_access_key = parsed.value("SecretAccessKey", "");
  credentials.session_token = parsed.value("Token", "");
  credentials.source = "EC2 instance role " + role;
  return credentials;
}

Credentials resolve_credentials(const CredentialSettings &settings) {
  Credentials from_config{settings.access_key_id, settings.secret_access_key,
                          settings.session_token, "config"};
  check_pair(from_config, "the config");
  if (from_config.complete()) return from_config;

  Credentials from_env{env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY"),
                       env("AWS_SESSION_TOKEN"), "environment"};
  check_pair(from_env, "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY");
  if (from_env.complete()) return from_env;

  std::string path = env("AWS_SHARED_CREDENTIALS_FILE");
  if (path.empty() && !env("HOME").empty()) path = env("HOME") + "/.aws/credentials";
  std::string profile = settings.profile;
  if (profile.empty()) profile = env("AWS_PROFILE");
  if (profile.empty()) profile = "default";
  if (!path.empty()) {
    Credentials from_file = read_shared_credentials_file(path, profile);
    check_pair(from_file, from_file.source);
    if (from_file.complete()) return from_file;
  }

  std::string disabled = env("AWS_EC2_METADATA_DISABLED");
  if (disabled != "true" && disabled != "TRUE" && disabled != "1") {
    std::string endpoint = settings.metadata_endpoint;
    if (endpoint.empty()) endpoint = env("AWS_EC2_METADATA_SERVICE_ENDPOINT");
    if (endpoint.empty()) endpoint = "http://169.254.169.254";
    Credentials from_role = fetch_instance_role_credentials(endpoint, settings.metadata_timeout_ms);
    if (from_role.complete()) return from_role;
  }

  throw ConfigError(
      "no AWS credentials found: set aws_access_key_id and aws_secret_access_key in the config, "
      "or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or profile '" +
      profile + "' in " + (path.empty() ? std::string("~/.aws/credentials") : path) +
      ", or run on an EC2 instance with an instance role");
}

}  // namespace chorus::s3
