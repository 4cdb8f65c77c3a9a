// target-redshift's long_text setting on real servers (the PostgreSQL stand-in for COPY, files
// staged in s3rver): a string longer in bytes than its VARCHAR is refused by default with the
// record named, or cut at a UTF-8 character boundary with one warning per stream and property.
// PostgreSQL's varchar(n) counts characters, so the stand-in would store an uncut value: what
// is read back is what the target sent.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "../log_capture.h"
#include "../thrown_error.h"
#include "chorus/plugin/settings.h"
#include "long_text.h"
#include "standin_fixture.h"

using namespace chorus;
using namespace redshift_test;
using chorus::testing::thrown_message;

namespace {

// A record of stream "notes" as one Singer line.
std::string record_line(int id, const std::string &body, const std::string &title) {
  return nlohmann::json{{"type", "RECORD"},
                        {"stream", "notes"},
                        {"record", {{"id", id}, {"body", body}, {"title", title}}}}
             .dump() +
         "\n";
}

const char *kNotesSchema =
    R"({"type":"SCHEMA","stream":"notes","key_properties":["id"],"schema":{"type":"object",)"
    R"("properties":{"id":{"type":"integer"},"body":{"type":["string","null"]},)"
    R"("title":{"type":["string","null"]}}}})"
    "\n";

// 65,534 ASCII bytes and a 3-byte euro sign: 65,537 bytes, the cut at 65,535 falls inside it.
const std::string kEuroAtCut = std::string(65534, 'a') + "\xE2\x82\xAC";
// Exactly 65,535 bytes: fits, stored as it is.
const std::string kFull = std::string(65533, 'b') + "\xC3\xA9";
// 70,000 bytes of 4-byte emoji: cut to 65,532 bytes (16,383 whole emoji).
std::string emoji(std::size_t count) {
  std::string text;
  for (std::size_t i = 0; i < count; ++i) text += "\xF0\x9F\x98\x80";
  return text;
}

std::string notes_lines() {
  std::string lines = kNotesSchema;
  lines += record_line(1, kEuroAtCut, "short");    // line 2: body cut
  lines += record_line(2, kFull, "short");         // line 3: fits
  lines += record_line(3, emoji(17500), "short");  // line 4: body cut again, no new warning
  lines += record_line(4, "ok", emoji(17500));     // line 5: title cut
  return lines;
}

}  // namespace

TEST_CASE("utf8_prefix_length never splits a character") {
  using target_redshift::utf8_prefix_length;
  CHECK(utf8_prefix_length("abc", 5) == 3);
  CHECK(utf8_prefix_length("abc", 3) == 3);
  CHECK(utf8_prefix_length("abc", 2) == 2);
  CHECK(utf8_prefix_length("a\xE2\x82\xAC", 3) == 1);  // inside the euro sign
  CHECK(utf8_prefix_length("a\xE2\x82\xAC", 4) == 4);
  CHECK(utf8_prefix_length("\xF0\x9F\x98\x80", 3) == 0);
  CHECK(utf8_prefix_length("\xC3\xA9x", 1) == 0);
  CHECK(utf8_prefix_length("\xC3\xA9x", 2) == 2);
}

TEST_CASE("long_text is refuse or truncate, nothing else") {
  nlohmann::json config = {{"host", "h"}, {"dbname", "d"}, {"s3_bucket", "b"}};
  const nlohmann::json &settings = chorus::target_redshift::RedshiftTarget::info().settings;
  CHECK(apply_settings(settings, config)["long_text"] == "refuse");
  config["long_text"] = "truncate";
  CHECK_NOTHROW(apply_settings(settings, config));
  config["long_text"] = "super";
  CHECK_THROWS(apply_settings(settings, config));
}

TEST_CASE("a string longer in bytes than its VARCHAR is refused by default, naming the record") {
  if (!have_servers()) return;
  const std::string schema = unique("rs_long_refuse");
  nlohmann::json config = base_config(schema, "tests/redshift/" + schema);
  const std::string message =
      thrown_message([&] { run_target(config, notes_lines()); }, "expected the run to fail");
  CHECK(message.find("target-redshift: stream 'notes', line 2: property 'body'") !=
        std::string::npos);
  CHECK(message.find("65537 bytes") != std::string::npos);
  CHECK(message.find("long_text: truncate") != std::string::npos);
  CHECK(query("SELECT count(*) FROM \"" + schema + "\".notes")[0][0].as<int>() == 0);
  query("DROP SCHEMA \"" + schema + "\" CASCADE");
}

TEST_CASE("long_text: truncate cuts at a character boundary and warns once per property") {
  if (!have_servers()) return;
  const std::string schema = unique("rs_long_cut");
  nlohmann::json config = base_config(schema, "tests/redshift/" + schema);
  config["long_text"] = "truncate";
  testing::LogCapture log;
  chorus::testing::run_target_on<chorus::target_redshift::RedshiftTarget>(
      config, notes_lines(), unique("redshift_in"), log.context());

  std::vector<std::string> cuts;
  for (const std::string &warning : log.at(CHORUS_LOG_WARN)) {
    if (warning.find("long_text: truncate") != std::string::npos) cuts.push_back(warning);
  }
  REQUIRE(cuts.size() == 2);
  CHECK(cuts[0].find("target-redshift: stream 'notes', line 2: property 'body' value of 65537 "
                     "bytes") != std::string::npos);
  CHECK(cuts[0].find("cut to its first 65534 bytes") != std::string::npos);
  CHECK(cuts[1].find("stream 'notes', line 5: property 'title' value of 70000 bytes") !=
        std::string::npos);
  CHECK(cuts[1].find("cut to its first 65532 bytes") != std::string::npos);

  auto rows = query("SELECT id, body, title FROM \"" + schema + "\".notes ORDER BY id");
  REQUIRE(rows.size() == 4);
  CHECK(rows[0][1].as<std::string>() == std::string(65534, 'a'));
  CHECK(rows[0][2].as<std::string>() == "short");
  CHECK(rows[1][1].as<std::string>() == kFull);
  CHECK(rows[2][1].as<std::string>() == emoji(16383));
  CHECK(rows[3][1].as<std::string>() == "ok");
  CHECK(rows[3][2].as<std::string>() == emoji(16383));
  query("DROP SCHEMA \"" + schema + "\" CASCADE");
}
