// Runs a chorus Target class in-process over a Singer stream given as text, for tests that
// drive a target's loading code directly (with real servers behind it) rather than through the
// chorus program.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "chorus/plugin/context.h"
#include "chorus/plugin/settings.h"

namespace chorus::testing {

// Writes `lines` to a file named after `file_stem` in the build tree, runs TargetClass with
// `config` (defaults applied from its settings) reading that file, and returns what the target
// wrote: its echoed STATE messages. Both files are removed afterwards; exceptions propagate.
// The target logs on `context` (stderr by default).
template <class TargetClass>
std::string run_target_on(const nlohmann::json &config, const std::string &lines,
                          const std::string &file_stem,
                          const PluginContext &context = PluginContext{}) {
  const std::string in_path = std::string(CHORUS_BINARY_DIR) + "/" + file_stem + ".singer";
  const std::string out_path = in_path + ".out";
  std::ofstream(in_path) << lines;
  struct Files {
    int in, out;
    std::string in_path, out_path;
    ~Files() {
      close(in);
      close(out);
      unlink(in_path.c_str());
      unlink(out_path.c_str());
    }
  } files{open(in_path.c_str(), O_RDONLY),
          open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600), in_path, out_path};
  TargetClass target(context, apply_settings(TargetClass::info().settings, config));
  target.run(files.in, files.out);
  std::ifstream out(out_path);
  return std::string(std::istreambuf_iterator<char>(out), {});
}

}  // namespace chorus::testing
