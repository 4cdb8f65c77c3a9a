// Authenticators add credentials to each request a REST stream sends. Names follow the Meltano
// SDK (APIKeyAuthenticator, BearerTokenAuthenticator, BasicAuthenticator,
// OAuthAuthenticator for the client-credentials grant).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "chorus/http/request.h"
#include "chorus/http/secrets.h"

namespace chorus::http {

class HttpClient;

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // Adds credentials to `request` (a header or a query parameter). May itself send requests
  // (to fetch a token). Throws chorus::ConfigError when the credentials are refused.
  virtual void authenticate(HttpRequest &request) = 0;
  // Called once when the API answered 401 to a request this authenticator signed: obtains new
  // credentials and returns true, or returns false when new credentials cannot help (a fixed
  // key). Default: false.
  virtual bool reauthenticate() { return false; }
  // Registers every credential this authenticator sends, in each form it takes on the wire.
  virtual void add_secrets_to(SecretMasker &secrets) const = 0;
};

enum class ApiKeyLocation { Header, Query };

class ApiKeyAuthenticator final : public Authenticator {
 public:
  // Sends `key: value` as a header, or `?key=value` as a query parameter.
  ApiKeyAuthenticator(std::string key, std::string value, ApiKeyLocation location);
  void authenticate(HttpRequest &request) override;
  void add_secrets_to(SecretMasker &secrets) const override { secrets.add(value_); }

 private:
  std::string key_;
  std::string value_;
  ApiKeyLocation location_;
};

class BearerTokenAuthenticator final : public Authenticator {
 public:
  explicit BearerTokenAuthenticator(std::string token);
  void authenticate(HttpRequest &request) override;
  void add_secrets_to(SecretMasker &secrets) const override { secrets.add(token_); }

 private:
  std::string token_;
};

class BasicAuthenticator final : public Authenticator {
 public:
  BasicAuthenticator(const std::string &username, const std::string &password);
  void authenticate(HttpRequest &request) override;
  void add_secrets_to(SecretMasker &secrets) const override;

 private:
  std::string password_;
  std::string header_value_;
};

struct OAuth2ClientCredentials {
  std::string token_url;
  std::string client_id;
  std::string client_secret;
  std::string scope;     // optional
  std::string audience;  // optional (some providers require it)
  // Send id and secret in an HTTP Basic header (RFC 6749 2.3.1's preferred way) instead of in
  // the form body.
  bool credentials_in_header = false;
  // The token is refreshed this many seconds before it expires, so that no request goes out
  // with a token that expires in flight.
  double refresh_margin_seconds = 60.0;
};

// OAuth 2.0 client-credentials grant (RFC 6749 4.4): POSTs the form to token_url, uses the
// returned access_token as a bearer token and fetches a new one before `expires_in` runs out
// (tokens without `expires_in` are kept until the run ends), or when the API refuses the token
// with a 401. Every token obtained is registered with the client's secrets.
class OAuth2ClientCredentialsAuthenticator final : public Authenticator {
 public:
  using Clock = std::chrono::steady_clock;
  // `client` sends the token requests; it must outlive the authenticator.
  OAuth2ClientCredentialsAuthenticator(OAuth2ClientCredentials settings, HttpClient &client);
  void authenticate(HttpRequest &request) override;
  bool reauthenticate() override;
  void add_secrets_to(SecretMasker &secrets) const override;
  // How many tokens were fetched so far.
  int tokens_fetched() const { return tokens_fetched_; }

 private:
  void refresh();
  OAuth2ClientCredentials settings_;
  HttpClient &client_;
  std::string access_token_;
  Clock::time_point refresh_at_{};
  bool expires_ = false;
  int tokens_fetched_ = 0;
};

// Builds an authenticator from the "auth" object of a config:
//   {"type": "api_key", "key": "X-API-Key", "value": "...", "location": "header"|"query"}
//   {"type": "bearer", "token": "..."}
//   {"type": "basic", "username": "...", "password": "..."}
//   {"type": "oauth2", "token_url": "...", "client_id": "...", "client_secret": "...",
//    "scope": "...", "audience": "...", "credentials_in_header": false,
//    "refresh_margin_seconds": 60}
// A null or absent object (or {"type": "none"}) gives nullptr. The authenticator's secrets are
// registered with `client`. Throws ConfigError naming the missing or unknown key.
std::unique_ptr<Authenticator> make_authenticator(const nlohmann::json &auth, HttpClient &client);

// The JSON Schema of that "auth" object (secrets marked "secret": true).
nlohmann::json authenticator_settings_schema();

}  // namespace chorus::http
