// chorus plugins, chorus about, chorus discover: what is installed and what it offers.
#include <spdlog/fmt/fmt.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "commands/commands.h"
#include "log.h"
#include "pipeline/pipeline_config.h"
#include "plugins/about_markdown.h"
#include "plugins/discovery.h"
#include "plugins/plugin_registry.h"

namespace chorus::host::commands {
namespace {

int list_plugins() {
  auto files = list_plugin_files();
  if (files.empty()) {
    std::cout << "no plugins found; searched:";
    for (const auto &folder : plugin_search_path()) std::cout << " " << folder.string();
    std::cout << "\n";
    return 0;
  }
  std::cout << fmt::format("{:<24} {:<7} {:<10} {}\n", "NAME", "KIND", "VERSION", "PATH");
  for (const auto &file : files) {
    try {
      auto library = PluginLibrary::load(file.path);
      std::cout << fmt::format("{:<24} {:<7} {:<10} {}\n", library->name(), library->kind(),
                               library->version(), file.path.string());
    } catch (const std::exception &e) {
      std::cout << fmt::format("{:<24} {:<7} {:<10} {}\n", file.name, "?", "?", file.path.string());
      log_warn(e.what());
    }
  }
  return 0;
}

int about(const std::string &plugin, const std::string &format) {
  auto library = load_plugin(plugin);
  if (!library->about_error().empty())
    log_warn("plugin '" + plugin + "': " + library->about_error());
  if (format == "markdown") {
    std::cout << about_markdown(library->about());
  } else {
    std::cout << library->about().dump(2) << "\n";
  }
  return 0;
}

int discover(const std::string &plugin, const std::string &config_text, bool isolate) {
  MemberSpec tap;
  tap.role = MemberRole::Tap;
  tap.plugin = plugin;
  if (!config_text.empty()) tap.config = parse_config_option(plugin + "=" + config_text).second;
  auto library = load_plugin(plugin);
  redactor().add_secrets_from(library->settings_schema(), tap.config);
  std::cout << discover_catalog(tap, isolate).dump(2) << "\n";
  return 0;
}

}  // namespace

void add_plugins(CLI::App &app, Command &command) {
  CLI::App *plugins = app.add_subcommand("plugins", "List the plugins chorus finds");
  plugins->callback([&command] { command = [] { return list_plugins(); }; });
}

void add_about(CLI::App &app, Command &command) {
  struct Options {
    std::string plugin;
    std::string format = "json";
  };
  auto options = std::make_shared<Options>();
  CLI::App *sub = app.add_subcommand("about", "Describe a plugin: capabilities and settings");
  sub->add_option("plugin", options->plugin, "Plugin name or .so path")->required();
  sub->add_option("--format", options->format, "json or markdown")
      ->check(CLI::IsMember({"json", "markdown"}));
  sub->callback([options, &command] {
    command = [options] { return about(options->plugin, options->format); };
  });
}

void add_discover(CLI::App &app, Command &command) {
  struct Options {
    std::string plugin;
    std::string config;
    bool isolate = false;
  };
  auto options = std::make_shared<Options>();
  CLI::App *sub = app.add_subcommand("discover", "Print a tap's Singer catalog");
  sub->add_option("plugin", options->plugin, "Tap name or .so path")->required();
  sub->add_option("-c,--config", options->config, "Config file or inline JSON");
  sub->add_flag("--isolate", options->isolate, "Discover in a child process");
  sub->callback([options, &command] {
    command = [options] { return discover(options->plugin, options->config, options->isolate); };
  });
}

}  // namespace chorus::host::commands
