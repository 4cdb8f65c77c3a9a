// chorus new tap|target|mapper NAME [--dir DIR]
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "commands/commands.h"
#include "scaffold/scaffold.h"

namespace chorus::host::commands {

void add_new(CLI::App &app, Command &command) {
  auto request = std::make_shared<scaffold::ProjectRequest>();
  auto directory = std::make_shared<std::string>();
  CLI::App *sub = app.add_subcommand(
      "new", "Write a new plugin project (builds against the installed SDK, with a test)");
  sub->add_option("kind", request->kind, "tap, target or mapper")
      ->required()
      ->check(CLI::IsMember({"tap", "target", "mapper"}));
  sub->add_option("name", request->name, "Plugin name without the kind, e.g. my-api")->required();
  sub->add_option("--dir", *directory, "Project folder (default: ./<kind>-<name>)");
  sub->callback([request, directory, &command] {
    command = [request, directory] {
      request->directory = *directory;
      const scaffold::ProjectNames names = scaffold::project_names(request->kind, request->name);
      const std::filesystem::path root =
          request->directory.empty() ? std::filesystem::path(names.plugin) : request->directory;
      for (const auto &file : scaffold::write_project(*request)) {
        std::cout << "  " << (root / file).string() << "\n";
      }
      std::cout << "Wrote " << names.plugin << " in " << root.string() << ". Next:\n"
                << "  cmake -S " << root.string() << " -B " << (root / "build").string()
                << " -DCMAKE_PREFIX_PATH=<chorus install prefix>\n"
                << "  cmake --build " << (root / "build").string() << " && ctest --test-dir "
                << (root / "build").string() << "\n";
      return 0;
    };
  });
}

}  // namespace chorus::host::commands
