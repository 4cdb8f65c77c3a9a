// AWS credentials and the order in which chorus looks for them.
#pragma once

#include <string>

namespace chorus::s3 {

// A key pair, and a session token for temporary credentials. Never logged: nothing in chorus
// prints these fields, and error messages name only the source they came from.
struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term keys
  std::string source;         // where they came from: "config", "environment", ... (loggable)

  bool complete() const { return !access_key_id.empty() && !secret_access_key.empty(); }
};

// What a plugin's config says about credentials; every field is optional.
struct CredentialSettings {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
  std::string profile;  // shared-credentials profile; default: AWS_PROFILE, then "default"
  // Instance metadata endpoint; default: AWS_EC2_METADATA_SERVICE_ENDPOINT, then
  // http://169.254.169.254. AWS_EC2_METADATA_DISABLED=true skips the instance role.
  std::string metadata_endpoint;
  long metadata_timeout_ms = 1000;
};

// Resolves credentials in the AWS SDKs' order:
//  1. the settings' access_key_id/secret_access_key (and session_token);
//  2. AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (/ AWS_SESSION_TOKEN);
//  3. the shared credentials file (AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials), the
//     profile from the settings, AWS_PROFILE, or "default";
//  4. the EC2 instance role through IMDSv2 (a token PUT, then GETs), with a short timeout.
// Throws ConfigError naming every place it looked when none has credentials, or when a source
// has only half a key pair.
Credentials resolve_credentials(const CredentialSettings &settings);

// Step 3 alone: reads `profile` from a shared credentials file. Returns incomplete credentials
// when the file or the profile is absent.
Credentials read_shared_credentials_file(const std::string &path, const std::string &profile);

// Step 4 alone. Returns incomplete credentials when the endpoint does not answer in time.
Credentials fetch_instance_role_credentials(const std::string &endpoint, long timeout_ms);

}  // namespace chorus::s3
