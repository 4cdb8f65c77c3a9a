// chorus: runs Singer pipelines of taps, mappers and targets loaded from plugin libraries.
//
// Called through a link named for a plugin (tap-csv -> chorus, made by `chorus install-links`),
// it is that plugin as an ordinary Singer executable: `tap-csv --config c.json` is
// `chorus exec tap-csv -- --config c.json`.
#include <CLI/CLI.hpp>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "commands/commands.h"
#include "log.h"
#include "process/stop_signal.h"

namespace {

// The plugin a link's name stands for, or empty when chorus is called as itself.
std::string plugin_named_by(std::string_view program) {
  const auto slash = program.rfind('/');
  if (slash != std::string_view::npos) program.remove_prefix(slash + 1);
  for (std::string_view prefix : {"tap-", "target-", "mapper-"}) {
    if (program.size() > prefix.size() && program.substr(0, prefix.size()) == prefix) {
      return std::string(program);
    }
  }
  return "";
}

// Runs `work` with logging and stop handling set up, turning an escaping error into exit 1.
template <class Work>
int run_logged(bool verbose, Work &&work) {
  chorus::host::init_logging(verbose);
  chorus::host::install_stop_handlers();
  try {
    return work();
  } catch (const std::exception &e) {
    chorus::host::log_error(e.what());
    return 1;
  }
}

}  // namespace

int main(int argc, char **argv) {
  namespace commands = chorus::host::commands;
  if (const std::string plugin = plugin_named_by(argc > 0 ? argv[0] : ""); !plugin.empty()) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    return run_logged(false, [&] { return commands::exec_plugin(plugin, args, plugin); });
  }

  CLI::App app{"chorus: Singer-compatible pipelines of taps, mappers and targets"};
  app.set_version_flag("--version", CHORUS_VERSION);
  bool verbose = false;
  app.add_flag("-v,--verbose", verbose, "Log debug lines too (metrics, plugin details)");
  app.require_subcommand(1);
  commands::Command command;
  for (const auto add : {commands::add_run, commands::add_exec, commands::add_plugins,
                         commands::add_about, commands::add_discover, commands::add_state,
                         commands::add_test, commands::add_staging, commands::add_select,
                         commands::add_new, commands::add_meltano, commands::add_install_links}) {
    add(app, command);
  }
  CLI11_PARSE(app, argc, argv);

  return run_logged(verbose, [&] { return command ? command() : 0; });
}
