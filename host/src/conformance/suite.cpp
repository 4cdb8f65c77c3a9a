#include "conformance/suite.h"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "conformance/checks.h"
#include "conformance/report.h"
#include "conformance/throwaway_schema.h"
#include "log.h"
#include "pipeline/pipeline_config.h"
#include "plugins/plugin_registry.h"
#include "process/child_process.h"
#include "process/temp_files.h"

namespace chorus::host::conformance {
namespace fs = std::filesystem;
namespace {

// The fixture streams: next to the program in the build tree, share/chorus/conformance when
// installed, or CHORUS_CONFORMANCE_DIR.
fs::path default_fixtures_dir() {
  if (const char *env = std::getenv("CHORUS_CONFORMANCE_DIR")) return env;
  const fs::path exe = executable_dir();
  for (const fs::path &candidate : {exe / "share" / "chorus" / "conformance",
                                    exe / ".." / "share" / "chorus" / "conformance"}) {
    std::error_code error;
    if (fs::is_directory(candidate, error)) return candidate.lexically_normal();
  }
  return exe / ".." / "share" / "chorus" / "conformance";
}

}  // namespace

int run_suite(const SuiteOptions &options) {
  auto library = load_plugin(options.plugin);
  nlohmann::json config = nlohmann::json::object();
  if (!options.config.empty()) {
    config = parse_config_option(library->name() + "=" + options.config).second;
  }
  // Relative paths in the config (a CSV folder) are the user's, relative to where chorus runs.
  Report report(library->name() + " " + library->version() + " (" + library->kind() + ")");
  check_about(*library, report);
  TempDir scratch;
  if (library->kind() == "tap") {
    check_tap(library, config, fs::current_path(), report);
  } else {
    const fs::path fixtures = fs::absolute(
        options.fixtures_dir.empty() ? default_fixtures_dir() : fs::path(options.fixtures_dir));
    if (library->kind() == "target") {
      // Tables go to a schema of their own, never to the one the config names.
      std::optional<ThrowawaySchema> schema = ThrowawaySchema::for_target(*library, config);
      if (schema) {
        log_info("chorus test: the fixture tables go to the throwaway schema " + schema->name() +
                 ", not to the configured default_target_schema");
      } else {
        log_info(
            "chorus test: relative paths in the config land in a scratch folder that is "
            "removed afterwards");
      }
      check_target(library, config, fixtures, scratch.path(), report);
      if (schema) log_info("chorus test: " + schema->drop());
    } else if (library->kind() == "mapper") {
      check_mapper(library, config, fixtures, scratch.path(), report);
    } else {
      report.skip("stream checks", "there are no stream checks for " + library->kind() + "s");
    }
  }
  report.print();
  return report.failed() ? 1 : 0;
}

}  // namespace chorus::host::conformance
