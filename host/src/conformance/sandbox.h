// Runs one plugin call of the suite in a child process inside a fresh folder, so that a crash
// fails a check instead of the suite, and relative paths in a config land in a scratch folder.
#pragma once

#include <filesystem>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>

#include "plugins/plugin_instance.h"
#include "plugins/plugin_library.h"
#include "process/child_process.h"

namespace chorus::host::conformance {

struct SandboxRun {
  ExitStatus status;
  std::string error;   // the plugin's error message (the host's sentence), when it failed
  std::string output;  // what the plugin wrote to out_fd
  std::string log;     // its log lines

  bool ok() const { return status.ok(); }
  // The error, or the crash, in one line.
  std::string failure() const;
};

struct SandboxCall {
  enum class Kind { Discover, Run } kind = Kind::Run;
  std::optional<std::string> input_file;  // a target's or mapper's stdin
  TapInputs tap_inputs;
};

SandboxRun run_in_sandbox(const std::shared_ptr<PluginLibrary> &library,
                          const nlohmann::json &config, const SandboxCall &call,
                          const std::filesystem::path &workdir);

}  // namespace chorus::host::conformance
