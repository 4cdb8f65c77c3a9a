// chorus test PLUGIN: the conformance suite.
#include <CLI/CLI.hpp>
#include <memory>

#include "commands/commands.h"
#include "conformance/suite.h"

namespace chorus::host::commands {

void add_test(CLI::App &app, Command &command) {
  auto options = std::make_shared<conformance::SuiteOptions>();
  CLI::App *sub =
      app.add_subcommand("test", "Run the conformance suite against a plugin and print a report");
  sub->add_option("plugin", options->plugin, "Plugin name or .so path")->required();
  sub->add_option("-c,--config", options->config,
                  "Config file or inline JSON (a tap needs one that can sync)");
  sub->add_option("--fixtures", options->fixtures_dir,
                  "Folder of the target fixture streams (default: share/chorus/conformance)");
  sub->callback(
      [options, &command] { command = [options] { return conformance::run_suite(*options); }; });
}

}  // namespace chorus::host::commands
