// The "auth" config object, turned into an Authenticator.
#include "chorus/http/auth.h"
#include "chorus/http/client.h"
#include "chorus/plugin/errors.h"

namespace chorus::http {
namespace {

std::string required_string(const nlohmann::json &auth, const char *key, const std::string &type) {
  auto found = auth.find(key);
  if (found == auth.end() || !found->is_string() || found->get<std::string>().empty()) {
    throw ConfigError(std::string("auth type '") + type + "' needs the setting auth." + key +
                      " (a non-empty string)");
  }
  return found->get<std::string>();
}

std::string optional_string(const nlohmann::json &auth, const char *key, std::string fallback) {
  auto found = auth.find(key);
  if (found == auth.end() || found->is_null()) return fallback;
  if (!found->is_string()) throw ConfigError(std::string("auth.") + key + " must be a string");
  return found->get<std::string>();
}

void reject_unknown(const nlohmann::json &auth, const std::string &type,
                    std::initializer_list<const char *> known) {
  for (const auto &item : auth.items()) {
    if (item.key() == "type") continue;
    bool listed = false;
    for (const char *name : known) listed = listed || item.key() == name;
    if (!listed) {
      std::string names;
      for (const char *name : known) names += std::string(names.empty() ? "" : ", ") + name;
      throw ConfigError("unknown setting auth." + item.key() + " for auth type '" + type +
                        "'; known: " + names);
    }
  }
}

std::unique_ptr<Authenticator> authenticator_for(const nlohmann::json &auth, HttpClient &client) {
  if (auth.is_null()) return nullptr;
  if (!auth.is_object()) throw ConfigError("setting 'auth' must be an object");
  std::string type = optional_string(auth, "type", "");
  if (type.empty())
    throw ConfigError("setting auth.type is missing (api_key, bearer, basic, oauth2 or none)");
  if (type == "none") {
    reject_unknown(auth, type, {});
    return nullptr;
  }
  if (type == "api_key") {
    reject_unknown(auth, type, {"key", "value", "location"});
    std::string location = optional_string(auth, "location", "header");
    if (location != "header" && location != "query") {
      throw ConfigError("auth.location must be 'header' or 'query', not '" + location + "'");
    }
    return std::make_unique<ApiKeyAuthenticator>(
        required_string(auth, "key", type), required_string(auth, "value", type),
        location == "header" ? ApiKeyLocation::Header : ApiKeyLocation::Query);
  }
  if (type == "bearer") {
    reject_unknown(auth, type, {"token"});
    return std::make_unique<BearerTokenAuthenticator>(required_string(auth, "token", type));
  }
  if (type == "basic") {
    reject_unknown(auth, type, {"username", "password"});
    return std::make_unique<BasicAuthenticator>(required_string(auth, "username", type),
                                                optional_string(auth, "password", ""));
  }
  if (type == "oauth2") {
    reject_unknown(auth, type,
                   {"token_url", "client_id", "client_secret", "scope", "audience",
                    "credentials_in_header", "refresh_margin_seconds"});
    OAuth2ClientCredentials settings;
    settings.token_url = required_string(auth, "token_url", type);
    settings.client_id = required_string(auth, "client_id", type);
    settings.client_secret = required_string(auth, "client_secret", type);
    settings.scope = optional_string(auth, "scope", "");
    settings.audience = optional_string(auth, "audience", "");
    if (auto found = auth.find("credentials_in_header"); found != auth.end()) {
      if (!found->is_boolean()) throw ConfigError("auth.credentials_in_header must be a boolean");
      settings.credentials_in_header = found->get<bool>();
    }
    if (auto found = auth.find("refresh_margin_seconds"); found != auth.end()) {
      if (!found->is_number()) throw ConfigError("auth.refresh_margin_seconds must be a number");
      settings.refresh_margin_seconds = found->get<double>();
    }
    return std::make_unique<OAuth2ClientCredentialsAuthenticator>(std::move(settings), client);
  }
  throw ConfigError("unknown auth.type '" + type + "'; use api_key, bearer, basic, oauth2 or none");
}

}  // namespace

std::unique_ptr<Authenticator> make_authenticator(const nlohmann::json &auth, HttpClient &client) {
  std::unique_ptr<Authenticator> authenticator = authenticator_for(auth, client);
  if (authenticator) authenticator->add_secrets_to(client.secrets());
  return authenticator;
}

nlohmann::json authenticator_settings_schema() {
  using nlohmann::json;
  return json{
      {"type", "object"},
      {"description",
       "How requests authenticate: api_key, bearer, basic, or oauth2 (client credentials)."},
      {"properties",
       {{"type", {{"type", "string"}, {"enum", {"none", "api_key", "bearer", "basic", "oauth2"}}}},
        {"key", {{"type", "string"}, {"description", "api_key: header or parameter name."}}},
        {"value", {{"type", "string"}, {"secret", true}, {"description", "api_key: the key."}}},
        {"location",
         {{"type", "string"},
          {"enum", {"header", "query"}},
          {"description", "api_key: where the key goes (default header)."}}},
        {"token", {{"type", "string"}, {"secret", true}, {"description", "bearer: the token."}}},
        {"username", {{"type", "string"}}},
        {"password", {{"type", "string"}, {"secret", true}}},
        {"token_url", {{"type", "string"}, {"description", "oauth2: the token endpoint."}}},
        {"client_id", {{"type", "string"}}},
        {"client_secret", {{"type", "string"}, {"secret", true}}},
        {"scope", {{"type", "string"}}},
        {"audience", {{"type", "string"}}},
        {"credentials_in_header",
         {{"type", "boolean"},
          {"description", "oauth2: send id and secret in a Basic header (default false)."}}},
        {"refresh_margin_seconds",
         {{"type", "number"},
          {"description", "oauth2: refresh this long before expiry (default 60)."}}}}},
      {"required", {"type"}},
      {"additionalProperties", false}};
}

}  // namespace chorus::http
