#include <filesystem>
#include <nlohmann/json.hpp>

#include "conformance/checks.h"
#include "conformance/fixture_runs.h"
#include "conformance/singer_text.h"

namespace chorus::host::conformance {
namespace fs = std::filesystem;
namespace {

struct FixtureCase {
  const char *file;
  const char *check;
  int bad_line;  // 0: the stream must load
};

// Named for the case they test, as the Meltano SDK's target tests are.
constexpr FixtureCase kCases[] = {
    {"malformed_json.singer", "malformed JSON fails naming the line", 3},
    {"record_before_schema.singer", "a RECORD before its SCHEMA fails naming the line", 1},
    {"record_violates_schema.singer", "a record breaking its schema fails naming the line", 3},
    {"schema_change_mid_stream.singer", "a schema change mid-stream loads", 0},
    {"duplicate_keys_in_batch.singer", "duplicate keys in one batch load", 0},
    {"valid_stream.singer", "a valid stream loads and echoes its final STATE", 0},
};

// The value of the last STATE line of a Singer text, or null.
nlohmann::json last_state(const std::string &text) {
  std::vector<nlohmann::json> states = states_of(messages_of(text));
  return states.empty() ? nlohmann::json() : states.back();
}

}  // namespace

void check_target(const std::shared_ptr<PluginLibrary> &library, const nlohmann::json &config,
                  const fs::path &fixtures, const fs::path &scratch, Report &report) {
  for (const auto &fixture : kCases) {
    std::optional<SandboxRun> run =
        run_on_fixture(library, config, fixtures, scratch, fixture.file, fixture.check, report);
    if (!run) continue;
    if (fixture.bad_line > 0) {
      expect_refused(*run, fixture.bad_line, "target", fixture.file, fixture.check, report);
      continue;
    }
    const std::string where = std::string(" (") + fixture.file + ")";
    if (!run->ok()) {
      report.fail(fixture.check, run->failure() + where);
      continue;
    }
    const nlohmann::json expected = last_state(read_text(fixtures / fixture.file));
    const nlohmann::json echoed = last_state(run->output);
    if (echoed != expected) {
      report.fail(fixture.check, "the last STATE echoed is " + echoed.dump() + ", expected " +
                                     expected.dump() + where);
    } else {
      report.pass(fixture.check);
    }
  }
}

}  // namespace chorus::host::conformance
