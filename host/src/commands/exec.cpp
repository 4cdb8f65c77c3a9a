// chorus exec PLUGIN -- <singer args>: one plugin as an ordinary Singer executable on
// stdin/stdout, for orchestrators that run Singer taps and targets (Meltano and friends).
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <stdexcept>

#include "about_markdown.h"
#include "commands/commands.h"
#include "log.h"
#include "members/member_log.h"
#include "pipeline_config.h"
#include "plugin_instance.h"
#include "plugin_registry.h"

namespace chorus::host::commands {
namespace {

struct SingerArguments {
  std::string config_file;
  std::string state_file;
  std::string catalog_file;
  bool discover = false;
  bool about = false;
  std::string format = "json";
};

SingerArguments parse_singer_arguments(const std::vector<std::string> &args,
                                       const std::string &plugin) {
  SingerArguments parsed;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string &arg = args[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= args.size()) throw std::runtime_error(arg + " needs a file");
      return args[++i];
    };
    if (arg == "--") continue;
    if (arg == "--config" || arg == "-c") {
      parsed.config_file = value();
    } else if (arg == "--state" || arg == "-s") {
      parsed.state_file = value();
    } else if (arg == "--catalog" || arg == "--properties" || arg == "-p") {
      parsed.catalog_file = value();
    } else if (arg == "--discover" || arg == "-d") {
      parsed.discover = true;
    } else if (arg == "--about") {
      parsed.about = true;
    } else if (arg == "--format") {
      parsed.format = value();
    } else {
      throw std::runtime_error("chorus exec " + plugin + ": unknown argument " + arg +
                               "; Singer arguments are --config, --state, --catalog, "
                               "--properties, --discover, --about [--format json|markdown]");
    }
  }
  return parsed;
}

int exec_command(const std::vector<std::string> &arguments) {
  if (arguments.empty()) {
    throw std::runtime_error(
        "usage: chorus exec PLUGIN -- --config FILE [--state FILE] "
        "[--catalog FILE] [--discover] [--about]");
  }
  const std::string plugin = arguments.front();
  const SingerArguments args =
      parse_singer_arguments({arguments.begin() + 1, arguments.end()}, plugin);
  auto library = load_plugin(plugin);
  if (args.about) {
    if (args.format == "markdown") {
      std::cout << about_markdown(library->about());
    } else {
      std::cout << library->about().dump(2) << "\n";
    }
    return 0;
  }
  nlohmann::json config = nlohmann::json::object();
  if (!args.config_file.empty()) config = read_json_file(args.config_file, "config");
  redactor().add_secrets_from(library->settings_schema(), config);
  MemberLog log(library->name(), nullptr);
  try {
    PluginInstance instance(library, config, log.function());
    if (args.discover) {
      instance.discover(1);
      return 0;
    }
    std::string state;
    std::string catalog;
    if (!args.state_file.empty()) state = read_json_file(args.state_file, "state").dump();
    if (!args.catalog_file.empty()) catalog = read_json_file(args.catalog_file, "catalog").dump();
    chorus_run_args_v1 run{};
    run.struct_size = sizeof run;
    run.in_fd = library->kind() == "tap" ? -1 : 0;
    run.out_fd = 1;
    run.state_json = state.empty() ? nullptr : state.c_str();
    run.catalog_json = catalog.empty() ? nullptr : catalog.c_str();
    instance.run(run);
    return 0;
  } catch (const PluginError &e) {
    log_error(e.what());
    return e.status() >= 1 && e.status() <= 3 ? e.status() : 1;
  }
}

}  // namespace

void add_exec(CLI::App &app, Command &command) {
  auto arguments = std::make_shared<std::vector<std::string>>();
  CLI::App *exec = app.add_subcommand(
      "exec", "Run one plugin as a Singer executable: chorus exec PLUGIN -- --config FILE ...");
  exec->prefix_command();
  exec->callback([exec, arguments, &command] {
    *arguments = exec->remaining();
    command = [arguments] { return exec_command(*arguments); };
  });
}

}  // namespace chorus::host::commands
