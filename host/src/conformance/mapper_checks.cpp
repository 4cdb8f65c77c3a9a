#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "conformance/checks.h"
#include "conformance/fixture_runs.h"
#include "conformance/singer_text.h"

namespace chorus::host::conformance {
namespace fs = std::filesystem;
namespace {

// What a mapper's output must be, whatever it maps: Singer lines, each RECORD after a SCHEMA
// of its stream, and the input's STATEs, all of them, unchanged and in order (a target commits
// on them). Returns the first problem, or empty.
std::string stream_problem(const std::string &input, const std::string &output) {
  const std::vector<nlohmann::json> messages = messages_of(output);
  std::set<std::string> schemas;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const nlohmann::json &message = messages[i];
    const std::string line = "output line " + std::to_string(i + 1);
    if (!message.is_object() || !message.contains("type")) {
      return line + " is not a Singer message";
    }
    const std::string type = message.value("type", "");
    const std::string stream = message.value("stream", "");
    if (type == "SCHEMA") schemas.insert(stream);
    if (type == "RECORD" && !schemas.count(stream)) {
      return line + " is a RECORD of stream '" + stream + "' before any SCHEMA of it";
    }
  }
  const std::vector<nlohmann::json> expected = states_of(messages_of(input));
  const std::vector<nlohmann::json> states = states_of(messages);
  if (states != expected) {
    return "the STATEs written (" + nlohmann::json(states).dump() +
           ") are not the input's, in order (" + nlohmann::json(expected).dump() + ")";
  }
  return {};
}

}  // namespace

void check_mapper(const std::shared_ptr<PluginLibrary> &library, const nlohmann::json &config,
                  const fs::path &fixtures, const fs::path &scratch, Report &report) {
  struct Case {
    const char *file;
    const char *check;
  };
  for (const Case &fixture :
       {Case{"valid_stream.singer", "a valid stream maps, STATEs passed on unchanged in order"},
        Case{"schema_change_mid_stream.singer", "a schema change mid-stream maps"}}) {
    std::optional<SandboxRun> run =
        run_on_fixture(library, config, fixtures, scratch, fixture.file, fixture.check, report);
    if (!run) continue;
    const std::string where = std::string(" (") + fixture.file + ")";
    if (!run->ok()) {
      report.fail(fixture.check, run->failure() + where);
    } else if (std::string problem =
                   stream_problem(read_text(fixtures / fixture.file), run->output);
               !problem.empty()) {
      report.fail(fixture.check, problem + where);
    } else {
      report.pass(fixture.check);
    }
  }

  const char *malformed = "malformed_json.singer";
  const char *check = "malformed JSON fails naming the line";
  if (auto run = run_on_fixture(library, config, fixtures, scratch, malformed, check, report)) {
    expect_refused(*run, 3, "mapper", malformed, check, report);
  }
}

}  // namespace chorus::host::conformance
