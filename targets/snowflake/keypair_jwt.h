// Snowflake key-pair authentication: an RS256 JWT signed with the user's private key.
#pragma once

#include <memory>
#include <string>

namespace chorus::target_snowflake {

class KeyPairJwt {
 public:
  // `private_key_pem`: a PKCS#8 (or PKCS#1) RSA private key; `passphrase` for an encrypted
  // one. Throws ConfigError when the key cannot be read (the message never holds the key).
  KeyPairJwt(const std::string &account, const std::string &user,
             const std::string &private_key_pem, const std::string &passphrase = {});
  ~KeyPairJwt();
  KeyPairJwt(const KeyPairJwt &) = delete;
  KeyPairJwt &operator=(const KeyPairJwt &) = delete;

  // "SHA256:" + base64 of the SHA-256 of the public key's DER (SubjectPublicKeyInfo): the
  // RSA_PUBLIC_KEY_FP Snowflake shows for the user.
  const std::string &public_key_fingerprint() const { return fingerprint_; }
  // ACCOUNT.USER, upper case, the account without any region or cloud suffix.
  const std::string &subject() const { return subject_; }

  // A token valid from `now` (Unix seconds) for `lifetime_seconds` (Snowflake allows an hour).
  // iss = ACCOUNT.USER.SHA256:<fingerprint>, sub = ACCOUNT.USER, iat, exp.
  std::string token(long long now, long long lifetime_seconds = 3540) const;

 private:
  struct Key;
  std::unique_ptr<Key> key_;
  std::string subject_;
  std::string fingerprint_;
};

// Base64url without padding (RFC 7515).
std::string base64url(const std::string &bytes);

}  // namespace chorus::target_snowflake
