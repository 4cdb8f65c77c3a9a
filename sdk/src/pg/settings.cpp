#include "chorus/pg/connection.h"
#include "chorus/plugin/setting.h"

namespace chorus::pg {
namespace {

// The defaults are those of ConnectionSettings, so that settings built in code and settings read
// from a config agree.
const ConnectionSettings kDefaults;

const Setting<std::string> kHost =
    Setting<std::string>("host", "Server host.").defaults_to(kDefaults.host);
const Setting<int> kPort = Setting<int>("port", "Server port.").defaults_to(kDefaults.port);
const Setting<std::string> kUser = Setting<std::string>("user", "User name.");
const Setting<std::string> kPassword =
    Setting<std::string>("password",
                         "Password. When absent, libpq reads ~/.pgpass (or PGPASSFILE).")
        .secret();
const Setting<std::string> kDbname = Setting<std::string>("dbname", "Database name.").required();
const Setting<std::string> kSslmode =
    Setting<std::string>("sslmode",
                         "libpq sslmode; verify-full checks the certificate and host name.")
        .one_of({"disable", "allow", "prefer", "require", "verify-ca", "verify-full"})
        .defaults_to(kDefaults.sslmode);
const Setting<std::string> kSslrootcert =
    Setting<std::string>("sslrootcert", "CA certificate file for verify-ca/verify-full.");
const Setting<std::string> kSslcert = Setting<std::string>("sslcert", "Client certificate file.");
const Setting<std::string> kSslkey = Setting<std::string>("sslkey", "Client private key file.");
const Setting<int> kConnectTimeout =
    Setting<int>("connect_timeout", "Seconds to wait for a connection.")
        .defaults_to(kDefaults.connect_timeout_seconds)
        .at_least(1);

}  // namespace

SettingList connection_setting_list() {
  return {&kHost,    &kPort,        &kUser,    &kPassword, &kDbname,
          &kSslmode, &kSslrootcert, &kSslcert, &kSslkey,   &kConnectTimeout};
}

ConnectionSettings connection_settings(const nlohmann::json &config) {
  ConnectionSettings s;
  s.host = kHost.read(config);
  s.port = kPort.read(config);
  s.user = kUser.read(config);
  s.password = kPassword.read(config);
  s.dbname = kDbname.read(config);
  s.sslmode = kSslmode.read(config);
  s.sslrootcert = kSslrootcert.read(config);
  s.sslcert = kSslcert.read(config);
  s.sslkey = kSslkey.read(config);
  s.connect_timeout_seconds = kConnectTimeout.read(config);
  return s;
}

std::string describe(const ConnectionSettings &settings) {
  return (settings.user.empty() ? std::string() : settings.user + "@") + settings.host + ":" +
         std::to_string(settings.port) + "/" + settings.dbname;
}

}  // namespace chorus::pg
