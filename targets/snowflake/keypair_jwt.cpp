#include "keypair_jwt.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "chorus/plugin/errors.h"
#include "chorus/s3/sigv4.h"

namespace chorus::target_snowflake {

struct KeyPairJwt::Key {
  EVP_PKEY *pkey = nullptr;
  ~Key() { EVP_PKEY_free(pkey); }
};

std::string base64url(const std::string &bytes) {
  std::string text = s3::base64_encode(bytes);
  while (!text.empty() && text.back() == '=') text.pop_back();
  for (char &c : text) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return text;
}

namespace {
std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}
}  // namespace

KeyPairJwt::KeyPairJwt(const std::string &account, const std::string &user,
                       const std::string &private_key_pem, const std::string &passphrase)
    : key_(std::make_unique<Key>()) {
  BIO *bio = BIO_new_mem_buf(private_key_pem.data(), static_cast<int>(private_key_pem.size()));
  key_->pkey = PEM_read_bio_PrivateKey(
      bio, nullptr, nullptr, passphrase.empty() ? nullptr : const_cast<char *>(passphrase.c_str()));
  BIO_free(bio);
  if (!key_->pkey || EVP_PKEY_base_id(key_->pkey) != EVP_PKEY_RSA) {
    throw ConfigError(
        "target-snowflake: private_key is not a readable RSA private key in PEM form (check "
        "the key and private_key_passphrase)");
  }
  unsigned char *der = nullptr;
  int length = i2d_PUBKEY(key_->pkey, &der);
  if (length <= 0) throw ConfigError("target-snowflake: cannot derive the public key");
  std::string digest_hex = s3::sha256_hex(std::string(reinterpret_cast<char *>(der), length));
  OPENSSL_free(der);
  std::string digest;
  for (std::size_t i = 0; i < digest_hex.size(); i += 2) {
    digest.push_back(static_cast<char>(std::stoi(digest_hex.substr(i, 2), nullptr, 16)));
  }
  fingerprint_ = "SHA256:" + s3::base64_encode(digest);
  // Account locators may carry a region and cloud ("xy12345.us-east-2.aws"); the token
  // names the account alone.
  subject_ = upper(account.substr(0, account.find('.'))) + "." + upper(user);
}

KeyPairJwt::~KeyPairJwt() = default;

std::string KeyPairJwt::token(long long now, long long lifetime_seconds) const {
  const std::string header = base64url(nlohmann::json{{"alg", "RS256"}, {"typ", "JWT"}}.dump());
  const std::string payload = base64url(nlohmann::json{
      {"iss", subject_ + "." + fingerprint_},
      {"sub", subject_},
      {"iat", now},
      {"exp", now + lifetime_seconds}}.dump());
  const std::string signing_input = header + "." + payload;
  EVP_MD_CTX *context = EVP_MD_CTX_new();
  std::size_t size = 0;
  std::string signature;
  bool ok = EVP_DigestSignInit(context, nullptr, EVP_sha256(), nullptr, key_->pkey) == 1 &&
            EVP_DigestSign(context, nullptr, &size,
                           reinterpret_cast<const unsigned char *>(signing_input.data()),
                           signing_input.size()) == 1;
  if (ok) {
    signature.resize(size);
    ok = EVP_DigestSign(context, reinterpret_cast<unsigned char *>(signature.data()), &size,
                        reinterpret_cast<const unsigned char *>(signing_input.data()),
                        signing_input.size()) == 1;
    signature.resize(size);
  }
  EVP_MD_CTX_free(context);
  if (!ok) throw FatalError("target-snowflake: signing the key-pair JWT failed");
  return signing_input + "." + base64url(signature);
}

}  // namespace chorus::target_snowflake
