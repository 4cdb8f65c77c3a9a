// The order in which credentials are found, without ever reaching a network address: the
// instance metadata step is disabled or pointed at a closed loopback port.
#include "chorus/s3/credentials.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>

#include "../thrown_error.h"
#include "chorus/plugin/errors.h"

using namespace chorus::s3;
using chorus::testing::thrown_message;

namespace {

// The environment of one test, restored after it: it starts isolated from the machine's
// credentials (no AWS_* keys or profile, no shared credentials file, no instance metadata), and
// set() adds what the test is about.
class ScopedEnv {
 public:
  ScopedEnv() {
    unset("AWS_ACCESS_KEY_ID");
    unset("AWS_SECRET_ACCESS_KEY");
    unset("AWS_SESSION_TOKEN");
    unset("AWS_PROFILE");
    set("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/chorus-credentials");
    set("AWS_EC2_METADATA_DISABLED", "true");
  }
  void set(const char *name, const std::string &value) {
    remember(name);
    setenv(name, value.c_str(), 1);
  }
  void unset(const char *name) {
    remember(name);
    unsetenv(name);
  }
  ~ScopedEnv() {
    for (auto &[name, value] : saved_) {
      if (value.first)
        setenv(name.c_str(), value.second.c_str(), 1);
      else
        unsetenv(name.c_str());
    }
  }

 private:
  void remember(const char *name) {
    if (saved_.count(name)) return;
    const char *value = std::getenv(name);
    saved_[name] = {value != nullptr, value ? value : ""};
  }
  std::map<std::string, std::pair<bool, std::string>> saved_;
};

std::string write_credentials_file() {
  std::string path = std::string(CHORUS_BINARY_DIR) + "/s3_credentials_test.ini";
  std::ofstream out(path);
  out << "[default]\naws_access_key_id = DEFAULTKEY\naws_secret_access_key = defaultsecret\n\n"
         "# comment\n[loader]\naws_access_key_id=LOADERKEY\naws_secret_access_key=loadersecret\n"
         "aws_session_token = loadertoken\n";
  return path;
}

}  // namespace

TEST_CASE("config credentials win over the environment") {
  ScopedEnv env;
  env.set("AWS_ACCESS_KEY_ID", "ENVKEY");
  env.set("AWS_SECRET_ACCESS_KEY", "envsecret");
  CredentialSettings settings;
  settings.access_key_id = "CONFIGKEY";
  settings.secret_access_key = "configsecret";
  Credentials found = resolve_credentials(settings);
  CHECK(found.access_key_id == "CONFIGKEY");
  CHECK(found.source == "config");
}

TEST_CASE("the environment wins over the shared credentials file") {
  ScopedEnv env;
  env.set("AWS_SHARED_CREDENTIALS_FILE", write_credentials_file());
  env.set("AWS_ACCESS_KEY_ID", "ENVKEY");
  env.set("AWS_SECRET_ACCESS_KEY", "envsecret");
  env.set("AWS_SESSION_TOKEN", "envtoken");
  Credentials found = resolve_credentials({});
  CHECK(found.access_key_id == "ENVKEY");
  CHECK(found.session_token == "envtoken");
  CHECK(found.source == "environment");
}

TEST_CASE("the shared credentials file is read for AWS_PROFILE, else the default profile") {
  ScopedEnv env;
  env.set("AWS_SHARED_CREDENTIALS_FILE", write_credentials_file());
  CHECK(resolve_credentials({}).access_key_id == "DEFAULTKEY");
  env.set("AWS_PROFILE", "loader");
  Credentials found = resolve_credentials({});
  CHECK(found.access_key_id == "LOADERKEY");
  CHECK(found.secret_access_key == "loadersecret");
  CHECK(found.session_token == "loadertoken");
  CredentialSettings settings;
  settings.profile = "default";
  CHECK(resolve_credentials(settings).access_key_id == "DEFAULTKEY");
}

TEST_CASE("half a key pair is a configuration error, not a fallback") {
  ScopedEnv env;
  CredentialSettings settings;
  settings.access_key_id = "ONLYKEY";
  CHECK_THROWS_AS(resolve_credentials(settings), chorus::ConfigError);
}

TEST_CASE("no credentials anywhere names every place looked, without any secret") {
  ScopedEnv env;
  const std::string message =
      thrown_message<chorus::ConfigError>([&] { resolve_credentials({}); }, "expected ConfigError");
  CHECK(message.find("AWS_ACCESS_KEY_ID") != std::string::npos);
  CHECK(message.find("instance role") != std::string::npos);
}

TEST_CASE("an unreachable metadata endpoint yields no credentials") {
  // Port 9 on loopback (discard) is closed on a test machine: the connection is refused.
  Credentials found = fetch_instance_role_credentials("http://127.0.0.1:9", 500);
  CHECK_FALSE(found.complete());
}
