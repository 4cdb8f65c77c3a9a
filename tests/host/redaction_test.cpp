#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "log.h"

using chorus::host::Redactor;

TEST_CASE("values of settings marked secret are redacted wherever they appear") {
  Redactor redactor;
  nlohmann::json schema = {
      {"type", "object"},
      {"properties",
       {{"user", {{"type", "string"}}},
        {"auth", {{"type", "object"}, {"properties", {{"api_token", {{"secret", true}}}}}}},
        {"db_password", {{"type", "string"}, {"secret", true}}}}}};
  nlohmann::json config = {
      {"user", "alice"}, {"db_password", "hunter2-xyz"}, {"auth", {{"api_token", "tok-123456"}}}};
  redactor.add_secrets_from(schema, config);
  auto text = redactor.redact("login alice with hunter2-xyz and tok-123456");
  CHECK(text.find("hunter2-xyz") == std::string::npos);
  CHECK(text.find("tok-123456") == std::string::npos);
  CHECK(text.find("alice") != std::string::npos);
}

TEST_CASE("password=... and \"token\": \"...\" are redacted without any declaration") {
  Redactor redactor;
  CHECK(redactor.redact("postgres://x?password=s3cr3t&db=1").find("s3cr3t") == std::string::npos);
  CHECK(redactor.redact(R"({"token": "abc.def"})").find("abc.def") == std::string::npos);
  CHECK(redactor.redact("read 10 records") == "read 10 records");
  CHECK(redactor.redact("token=abcDEF123").find("abcDEF123") == std::string::npos);
}

TEST_CASE("an ordinary word after token: or password= is not taken for a secret") {
  Redactor redactor;
  CHECK(redactor.redact("refreshing the token: Failed, retrying") ==
        "refreshing the token: Failed, retrying");
  CHECK(redactor.redact("password: required") == "password: required");
}
