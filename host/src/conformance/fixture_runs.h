// Running a target or mapper on one of the suite's fixture streams, and judging a stream it
// must refuse.
#pragma once

#include <filesystem>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>

#include "conformance/report.h"
#include "conformance/sandbox.h"
#include "plugins/plugin_library.h"

namespace chorus::host::conformance {

// Runs the plugin on `fixtures`/`file` in an empty folder of its own under `scratch`, so that
// one case's output cannot satisfy another's. Nullopt, with `check` failed, when the fixture
// stream is missing.
std::optional<SandboxRun> run_on_fixture(const std::shared_ptr<PluginLibrary> &library,
                                         const nlohmann::json &config,
                                         const std::filesystem::path &fixtures,
                                         const std::filesystem::path &scratch,
                                         const std::string &file, const std::string &check,
                                         Report &report);

// `check` passes when `run` failed, without crashing, with a message naming line `bad_line`
// of `file`. `kind` names the plugin in the reasons ("target", "mapper").
void expect_refused(const SandboxRun &run, int bad_line, const std::string &kind,
                    const std::string &file, const std::string &check, Report &report);

}  // namespace chorus::host::conformance
