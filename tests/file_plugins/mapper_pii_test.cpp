// mapper-pii through `chorus exec`: listed properties are hashed or dropped in SCHEMA and RECORD.
#include <doctest/doctest.h>

#include "chorus_process.h"

namespace chorus::file_plugins_test {
namespace {

// mapper-pii with `settings` on the fixture's customers, with their emails and phone numbers.
RunResult pii_on_personal_data(const nlohmann::json &settings) {
  Scratch scratch;
  return chorus_exec("mapper-pii", scratch.write_json("mapper.json", settings),
                     fixture("personal_data.singer"));
}

}  // namespace

TEST_CASE("mapper-pii hashes and drops the listed properties in schema and records") {
  RunResult result = require_success(pii_on_personal_data(
      {{"hash", {"customers.email"}}, {"drop", {"customers.phone"}}, {"salt", "pepper"}}));
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
  RunResult result = pii_on_personal_data({{"drop", {"customers.id"}}});
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

// A run that failed, its stderr holding each of `parts`.
void check_failed_saying(const RunResult &result, const std::vector<std::string> &parts) {
  CHECK(result.exit_code != 0);
  for (const std::string &part : parts) CHECK_MESSAGE(contains(result.err, part), part);
}

}  // namespace

TEST_CASE("a PII rule on a misspelled stream fails before any record of the stream passes") {
  RunResult result = pii_on_personal_data({{"hash", {"customer.email"}}, {"salt", "pepper"}});
  CAPTURE(result.err);
  check_failed_saying(result, {"hash: customer.email", "did you mean 'customers'?"});
  check_nothing_in_clear(result);
}

TEST_CASE("a PII rule on a property the stream's SCHEMA lacks fails at that SCHEMA") {
  RunResult result = pii_on_personal_data({{"drop", {"customers.phon"}}});
  CAPTURE(result.err);
  check_failed_saying(result,
                      {"drop: customers.phon", "did you mean 'phone'?", "city, email, id, phone"});
  check_nothing_in_clear(result);
}

TEST_CASE("a PII rule on a stream that never arrives fails at the end, its STATE held back") {
  RunResult result = pii_on_personal_data({{"hash", {"payments.card_number"}}, {"salt", "pepper"}});
  CAPTURE(result.err);
  check_failed_saying(result, {"no stream matched rule(s) hash: payments.card_number",
                               "the streams seen were: customers"});
  // The run's STATE never reached the target, so nothing of it can be committed.
  CHECK(result.states().empty());
}

TEST_CASE("mapper-pii refuses to hash without a salt") {
  RunResult result = pii_on_personal_data({{"hash", {"customers.email"}}});
  check_failed_saying(result, {"`salt` is empty"});
  check_nothing_in_clear(result);
}

TEST_CASE("mapper-pii does not advertise stream-maps, which it does not accept") {
  Scratch scratch;
  RunResult result =
      require_success(chorus({"about", "mapper-pii", "--format", "json"}, scratch.dir()));
  auto about = nlohmann::json::parse(result.out);
  CHECK(about["capabilities"] == nlohmann::json({"about"}));
}

}  // namespace chorus::file_plugins_test
