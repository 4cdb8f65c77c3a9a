#include "conformance/fixture_runs.h"

#include <nlohmann/json.hpp>

namespace chorus::host::conformance {
namespace fs = std::filesystem;

std::optional<SandboxRun> run_on_fixture(const std::shared_ptr<PluginLibrary> &library,
                                         const nlohmann::json &config, const fs::path &fixtures,
                                         const fs::path &scratch, const std::string &file,
                                         const std::string &check, Report &report) {
  const fs::path input = fixtures / file;
  if (!fs::exists(input)) {
    report.fail(check, "fixture stream " + input.string() + " is missing; give --fixtures DIR");
    return std::nullopt;
  }
  const fs::path workdir = scratch / fs::path(file).stem();
  fs::create_directories(workdir);
  SandboxCall call;
  call.input_file = input.string();
  return run_in_sandbox(library, config, call, workdir);
}

void expect_refused(const SandboxRun &run, int bad_line, const std::string &kind,
                    const std::string &file, const std::string &check, Report &report) {
  const std::string line = "line " + std::to_string(bad_line);
  const std::string where = " (" + file + ")";
  if (run.ok()) {
    report.fail(check, "the " + kind + " accepted the stream" + where);
  } else if (run.status.signal != 0) {
    report.fail(check, "the " + kind + " " + run.status.describe() + where);
  } else if (run.error.find(line) == std::string::npos) {
    report.fail(check, "the message does not name " + line + ": " + run.failure());
  } else {
    report.pass(check, run.error);
  }
}

}  // namespace chorus::host::conformance
