#include "chorus/http/auth.h"

#include <openssl/evp.h>

#include <vector>

#include "chorus/http/client.h"
#include "chorus/plugin/errors.h"

namespace chorus::http {
namespace {

std::string base64(std::string_view text) {
  std::vector<unsigned char> out(4 * ((text.size() + 2) / 3) + 1);
  int written = EVP_EncodeBlock(out.data(), reinterpret_cast<const unsigned char *>(text.data()),
                                static_cast<int>(text.size()));
  return std::string(reinterpret_cast<const char *>(out.data()), static_cast<size_t>(written));
}

std::string form_encode(const QueryList &fields) {
  std::string out;
  for (const auto &[name, value] : fields) {
    if (!out.empty()) out += '&';
    out += url_encode(name) + "=" + url_encode(value);
  }
  return out;
}

}  // namespace

ApiKeyAuthenticator::ApiKeyAuthenticator(std::string key, std::string value,
                                         ApiKeyLocation location)
    : key_(std::move(key)), value_(std::move(value)), location_(location) {}

void ApiKeyAuthenticator::authenticate(HttpRequest &request) {
  if (location_ == ApiKeyLocation::Header) {
    request.set_header(key_, value_);
  } else {
    request.set_query(key_, value_);
  }
}

BearerTokenAuthenticator::BearerTokenAuthenticator(std::string token) : token_(std::move(token)) {}

void BearerTokenAuthenticator::authenticate(HttpRequest &request) {
  request.set_header("Authorization", "Bearer " + token_);
}

BasicAuthenticator::BasicAuthenticator(const std::string &username, const std::string &password)
    : password_(password), header_value_("Basic " + base64(username + ":" + password)) {}

void BasicAuthenticator::add_secrets_to(SecretMasker &secrets) const {
  secrets.add(password_);
  // The encoded pair is the secret on the wire; a server that echoes headers shows it.
  secrets.add_exact(header_value_.substr(6));
}

void BasicAuthenticator::authenticate(HttpRequest &request) {
  request.set_header("Authorization", header_value_);
}

OAuth2ClientCredentialsAuthenticator::OAuth2ClientCredentialsAuthenticator(
    OAuth2ClientCredentials settings, HttpClient &client)
    : settings_(std::move(settings)), client_(client) {
  add_secrets_to(client_.secrets());
}

void OAuth2ClientCredentialsAuthenticator::add_secrets_to(SecretMasker &secrets) const {
  secrets.add(settings_.client_secret);
  secrets.add_exact(
      base64(url_encode(settings_.client_id) + ":" + url_encode(settings_.client_secret)));
  if (!access_token_.empty()) secrets.add(access_token_);
}

bool OAuth2ClientCredentialsAuthenticator::reauthenticate() {
  refresh();
  return true;
}

void OAuth2ClientCredentialsAuthenticator::authenticate(HttpRequest &request) {
  if (access_token_.empty() || (expires_ && Clock::now() >= refresh_at_)) refresh();
  request.set_header("Authorization", "Bearer " + access_token_);
}

void OAuth2ClientCredentialsAuthenticator::refresh() {
  HttpRequest token_request;
  token_request.method = "POST";
  token_request.url = settings_.token_url;
  token_request.set_header("Content-Type", "application/x-www-form-urlencoded");
  token_request.set_header("Accept", "application/json");
  QueryList form{{"grant_type", "client_credentials"}};
  if (settings_.credentials_in_header) {
    // RFC 6749 2.3.1: id and secret are form-encoded before they go into the Basic header.
    token_request.set_header("Authorization",
                             "Basic " + base64(url_encode(settings_.client_id) + ":" +
                                               url_encode(settings_.client_secret)));
  } else {
    form.emplace_back("client_id", settings_.client_id);
    form.emplace_back("client_secret", settings_.client_secret);
  }
  if (!settings_.scope.empty()) form.emplace_back("scope", settings_.scope);
  if (!settings_.audience.empty()) form.emplace_back("audience", settings_.audience);
  token_request.body = form_encode(form);

  HttpResponse response = client_.send(token_request, "oauth2_token");
  if (response.status == 400 || response.status == 401 || response.status == 403) {
    throw ConfigError("the OAuth2 token endpoint refused the client credentials: " +
                      client_.describe_failure(token_request, response) +
                      "; check auth.client_id, auth.client_secret and auth.scope");
  }
  if (!response.ok()) throw RetryableError(client_.describe_failure(token_request, response));
  nlohmann::json body = response.json();
  auto token = body.find("access_token");
  if (token == body.end() || !token->is_string() || token->get<std::string>().empty()) {
    throw FatalError("the OAuth2 token response of " + settings_.token_url +
                     " has no access_token; check auth.token_url");
  }
  access_token_ = token->get<std::string>();
  client_.secrets().add(access_token_);
  ++tokens_fetched_;
  auto expires_in = body.find("expires_in");
  expires_ = expires_in != body.end() && (expires_in->is_number() || expires_in->is_string());
  if (expires_) {
    double seconds = expires_in->is_number() ? expires_in->get<double>()
                                             : std::stod(expires_in->get<std::string>());
    refresh_at_ = Clock::now() +
                  std::chrono::duration_cast<Clock::duration>(
                      std::chrono::duration<double>(seconds - settings_.refresh_margin_seconds));
  }
}

}  // namespace chorus::http
