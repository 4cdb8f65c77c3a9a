#include "chorus/pg/connection.h"

namespace chorus::pg {

nlohmann::json connection_settings_properties() {
  using nlohmann::json;
  return {
      {"host", {{"type", "string"}, {"default", "localhost"}, {"description", "Server host."}}},
      {"port", {{"type", "integer"}, {"default", 5432}, {"description", "Server port."}}},
      {"user", {{"type", "string"}, {"description", "User name."}}},
      {"password",
       {{"type", "string"},
        {"secret", true},
        {"description", "Password. When absent, libpq reads ~/.pgpass (or PGPASSFILE)."}}},
      {"dbname", {{"type", "string"}, {"description", "Database name."}}},
      {"sslmode",
       {{"type", "string"},
        {"enum", {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"}},
        {"default", "prefer"},
        {"description", "libpq sslmode; verify-full checks the certificate and host name."}}},
      {"sslrootcert",
       {{"type", "string"}, {"description", "CA certificate file for verify-ca/verify-full."}}},
      {"sslcert", {{"type", "string"}, {"description", "Client certificate file."}}},
      {"sslkey", {{"type", "string"}, {"description", "Client private key file."}}},
      {"connect_timeout",
       {{"type", "integer"},
        {"default", 10},
        {"minimum", 1},
        {"description", "Seconds to wait for a connection."}}},
  };
}

ConnectionSettings connection_settings(const nlohmann::json &config) {
  ConnectionSettings s;
  s.host = config.value("host", s.host);
  s.port = config.value("port", s.port);
  s.user = config.value("user", s.user);
  s.password = config.value("password", s.password);
  s.dbname = config.value("dbname", s.dbname);
  s.sslmode = config.value("sslmode", s.sslmode);
  s.sslrootcert = config.value("sslrootcert", s.sslrootcert);
  s.sslcert = config.value("sslcert", s.sslcert);
  s.sslkey = config.value("sslkey", s.sslkey);
  s.connect_timeout_seconds = config.value("connect_timeout", s.connect_timeout_seconds);
  return s;
}

std::string describe(const ConnectionSettings &settings) {
  return (settings.user.empty() ? std::string() : settings.user + "@") + settings.host + ":" +
         std::to_string(settings.port) + "/" + settings.dbname;
}

}  // namespace chorus::pg
