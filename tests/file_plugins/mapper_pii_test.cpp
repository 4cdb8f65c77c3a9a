// mapper-pii through `chorus exec`: listed properties are hashed or dropped in SCHEMA and RECORD.
#include <doctest/doctest.h>

#include "chorus_process.h"

namespace chorus::file_plugins_test {

TEST_CASE("mapper-pii hashes and drops the listed properties in schema and records") {
  Scratch scratch;
  auto config = scratch.write_json(
      "mapper.json",
      {{"hash", {"customers.email"}}, {"drop", {"customers.phone"}}, {"salt", "pepper"}});
  RunResult result = chorus_exec("mapper-pii", config, fixture("personal_data.singer"));
  REQUIRE_MESSAGE(result.exit_code == 0, result.err);
  auto messages = result.messages();
  REQUIRE(messages.size() == 4);

  const auto &schema = messages[0]["schema"];
  CHECK(schema["properties"]["email"] == nlohmann::json({{"type", {"string", "null"}}}));
  CHECK_FALSE(schema["properties"].contains("phone"));
  CHECK(schema["required"] == nlohmann::json({"id"}));

  // sha256("pepper" + "ann@example.com")
  CHECK(
      messages[1]["record"] ==
      nlohmann::json({{"id", 1},
                      {"email", "831740710d6a8225c6ad8e71610353afdfcf9f6a3caa448dc11ab17a513081c2"},
                      {"city", "Oslo"}}));
  CHECK(messages[2]["record"] ==
        nlohmann::json({{"id", 2}, {"email", nullptr}, {"city", "Turku"}}));
  CHECK(messages[3]["type"] == "STATE");
}

TEST_CASE("mapper-pii refuses to drop a key property") {
  Scratch scratch;
  auto config = scratch.write_json("mapper.json", {{"drop", {"customers.id"}}});
  RunResult result = chorus_exec("mapper-pii", config, fixture("personal_data.singer"));
  CHECK(result.exit_code != 0);
  CHECK(result.err.find("customers.id") != std::string::npos);
}

}  // namespace chorus::file_plugins_test
