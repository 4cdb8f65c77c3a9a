// chorus meltano PLUGIN: the plugin's meltano.yml entry, generated from its about document.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <stdexcept>

#include "commands/commands.h"
#include "log.h"
#include "plugins/meltano_definition.h"
#include "plugins/plugin_registry.h"

namespace chorus::host::commands {

void add_meltano(CLI::App &app, Command &command) {
  auto plugin = std::make_shared<std::string>();
  CLI::App *sub = app.add_subcommand(
      "meltano", "Print the plugin's Meltano definition (a meltano.yml plugins entry)");
  sub->add_option("plugin", *plugin, "Plugin name or .so path")->required();
  sub->callback([plugin, &command] {
    command = [plugin] {
      auto library = load_plugin(*plugin);
      if (!library->about_error().empty()) {
        throw std::runtime_error("plugin '" + *plugin + "' has no usable about document (" +
                                 library->about_error() + "), so it has no Meltano definition");
      }
      std::cout << "# " << library->name() << " " << library->version()
                << ", run by chorus: `chorus install-links DIR` puts the `" << library->name()
                << "` executable in DIR (on PATH)\n"
                << meltano_definition_yaml(library->about());
      return 0;
    };
  });
}

}  // namespace chorus::host::commands
