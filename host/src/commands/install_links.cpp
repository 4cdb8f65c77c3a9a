// chorus install-links DIR [PLUGIN...]: a link named for each plugin (tap-csv -> chorus), so
// that orchestrators run chorus plugins by their Singer names, as Meltano's `executable:` does.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <memory>
#include <stdexcept>

#include "commands/commands.h"
#include "log.h"
#include "plugins/plugin_registry.h"

namespace chorus::host::commands {
namespace {
namespace fs = std::filesystem;

struct Options {
  std::string dir;
  std::vector<std::string> plugins;
  bool force = false;
};

int install_links(const Options &options) {
  const fs::path dir = options.dir;
  fs::create_directories(dir);
  const fs::path chorus = executable_path();
  // A link next to the program points at it by name, so the pair can move together (packages,
  // DESTDIR installs); a link elsewhere points at the program's absolute path.
  const fs::path target =
      fs::equivalent(dir, chorus.parent_path()) ? chorus.filename() : fs::absolute(chorus);

  std::vector<std::string> names = options.plugins;
  if (names.empty()) {
    for (const auto &file : list_plugin_files()) names.push_back(file.name);
    if (names.empty())
      throw std::runtime_error("no plugins found to link; chorus plugins lists the search path");
  }
  for (const auto &name : names) {
    const auto library = load_plugin(name);  // only plugins that load get a link
    const fs::path link = dir / library->name();
    if (fs::is_symlink(link) && fs::read_symlink(link) == target) {
      std::cout << link.string() << " -> " << target.string() << " (already there)\n";
      continue;
    }
    if (fs::exists(fs::symlink_status(link))) {
      if (!options.force) {
        throw std::runtime_error(link.string() +
                                 " already exists and is not a link to this chorus; remove it "
                                 "or pass --force to replace it");
      }
      fs::remove(link);
    }
    fs::create_symlink(target, link);
    std::cout << link.string() << " -> " << target.string() << "\n";
  }
  return 0;
}

}  // namespace

void add_install_links(CLI::App &app, Command &command) {
  auto options = std::make_shared<Options>();
  CLI::App *sub = app.add_subcommand(
      "install-links",
      "Make a link named for each plugin (tap-csv) to chorus in DIR, so that the plugin runs "
      "as an ordinary Singer executable by that name");
  sub->add_option("dir", options->dir, "Folder for the links (created if missing)")->required();
  sub->add_option("plugins", options->plugins, "Plugins to link (default: every plugin found)");
  sub->add_flag("--force", options->force, "Replace files of the same name");
  sub->callback([options, &command] { command = [options] { return install_links(*options); }; });
}

}  // namespace chorus::host::commands
