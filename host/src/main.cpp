// chorus: runs Singer pipelines of taps, mappers and targets loaded from plugin libraries.
#include <CLI/CLI.hpp>
#include <exception>

#include "commands/commands.h"
#include "log.h"
#include "stop_signal.h"

int main(int argc, char **argv) {
  namespace commands = chorus::host::commands;
  CLI::App app{"chorus: Singer-compatible pipelines of taps, mappers and targets"};
  app.set_version_flag("--version", CHORUS_VERSION);
  bool verbose = false;
  app.add_flag("-v,--verbose", verbose, "Log debug lines too (metrics, plugin details)");
  app.require_subcommand(1);
  commands::Command command;
  commands::add_run(app, command);
  commands::add_exec(app, command);
  commands::add_plugins(app, command);
  commands::add_about(app, command);
  commands::add_discover(app, command);
  commands::add_state(app, command);
  commands::add_test(app, command);
  commands::add_staging(app, command);
  commands::add_select(app, command);
  commands::add_new(app, command);
  CLI11_PARSE(app, argc, argv);

  chorus::host::init_logging(verbose);
  chorus::host::install_stop_handlers();
  try {
    return command ? command() : 0;
  } catch (const std::exception &e) {
    chorus::host::log_error(e.what());
    return 1;
  }
}
