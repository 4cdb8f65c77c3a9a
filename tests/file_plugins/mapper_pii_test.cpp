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

namespace {

bool contains(const std::string &text, const std::string &part) {
  return text.find(part) != std::string::npos;
}

// Nothing of the fixture's personal data in clear, and no RECORD at all.
void check_nothing_in_clear(const RunResult &result) {
  CHECK_FALSE(contains(result.out, "ann@example.com"));
  CHECK_FALSE(contains(result.out, "555-0100"));
  CHECK(result.record_lines().empty());
}

}  // namespace

TEST_CASE("a PII rule on a misspelled stream fails before any record of the stream passes") {
  Scratch scratch;
  auto config =
      scratch.write_json("mapper.json", {{"hash", {"customer.email"}}, {"salt", "pepper"}});
  RunResult result = chorus_exec("mapper-pii", config, fixture("personal_data.singer"));
  CAPTURE(result.err);
  CHECK(result.exit_code != 0);
  CHECK(contains(result.err, "hash: customer.email"));
  CHECK(contains(result.err, "did you mean 'customers'?"));
  check_nothing_in_clear(result);
}

TEST_CASE("a PII rule on a property the stream's SCHEMA lacks fails at that SCHEMA") {
  Scratch scratch;
  auto config = scratch.write_json("mapper.json", {{"drop", {"customers.phon"}}});
  RunResult result = chorus_exec("mapper-pii", config, fixture("personal_data.singer"));
  CAPTURE(result.err);
  CHECK(result.exit_code != 0);
  CHECK(contains(result.err, "drop: customers.phon"));
  CHECK(contains(result.err, "did you mean 'phone'?"));
  CHECK(contains(result.err, "city, email, id, phone"));
  check_nothing_in_clear(result);
}

TEST_CASE("a PII rule on a stream that never arrives fails at the end, its STATE held back") {
  Scratch scratch;
  auto config =
      scratch.write_json("mapper.json", {{"hash", {"payments.card_number"}}, {"salt", "pepper"}});
  RunResult result = chorus_exec("mapper-pii", config, fixture("personal_data.singer"));
  CAPTURE(result.err);
  CHECK(result.exit_code != 0);
  CHECK(contains(result.err, "no stream matched rule(s) hash: payments.card_number"));
  CHECK(contains(result.err, "the streams seen were: customers"));
  // The run's STATE never reached the target, so nothing of it can be committed.
  CHECK(result.states().empty());
}

TEST_CASE("mapper-pii refuses to hash without a salt") {
  Scratch scratch;
  auto config = scratch.write_json("mapper.json", {{"hash", {"customers.email"}}});
  RunResult result = chorus_exec("mapper-pii", config, fixture("personal_data.singer"));
  CHECK(result.exit_code != 0);
  CHECK(contains(result.err, "`salt` is empty"));
  check_nothing_in_clear(result);
}

TEST_CASE("mapper-pii does not advertise stream-maps, which it does not accept") {
  Scratch scratch;
  RunResult result = chorus({"about", "mapper-pii", "--format", "json"}, scratch.dir());
  REQUIRE_MESSAGE(result.exit_code == 0, result.err);
  auto about = nlohmann::json::parse(result.out);
  CHECK(about["capabilities"] == nlohmann::json({"about"}));
}

}  // namespace chorus::file_plugins_test
