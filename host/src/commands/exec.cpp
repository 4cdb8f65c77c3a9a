// chorus exec PLUGIN -- <singer args>, and a link named for the plugin: one plugin as an ordinary
// Singer executable on stdin/stdout, for orchestrators that run Singer taps and targets
// (Meltano and friends).
#include <fcntl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <memory>
#include <stdexcept>

#include "commands/commands.h"
#include "log.h"
#include "members/member_log.h"
#include "pipeline/config_sources.h"
#include "pipeline/pipeline_config.h"
#include "plugins/about_markdown.h"
#include "plugins/plugin_instance.h"
#include "plugins/plugin_registry.h"
#include "plugins/singer_command_line.h"
#include "state/state_value_output.h"

namespace chorus::host::commands {
namespace {

std::string settings_help(const PluginLibrary &library) {
  const nlohmann::json schema = library.settings_schema();
  const auto properties = schema.value("properties", nlohmann::json::object());
  if (properties.empty()) return "\nSettings: none\n";
  const auto required = schema.value("required", nlohmann::json::array());
  std::string text = "\nSettings (environment variable for --config ENV):\n";
  for (const auto &[name, property] : properties.items()) {
    std::string line = "  " + name;
    std::string traits;
    if (property.is_object() && property.contains("type")) {
      traits = property["type"].is_string() ? property["type"].get<std::string>()
                                            : property["type"].dump();
    }
    if (std::find(required.begin(), required.end(), name) != required.end()) {
      traits += traits.empty() ? "required" : ", required";
    }
    if (property.is_object() && property.value("secret", false)) {
      traits += traits.empty() ? "secret" : ", secret";
    }
    if (!traits.empty()) line += " (" + traits + ")";
    line += "  " + setting_environment_variable(library.name(), name) + "\n";
    if (property.is_object() && property.contains("description") &&
        property["description"].is_string()) {
      line += "      " + property["description"].get<std::string>() + "\n";
    }
    text += line;
  }
  return text;
}

std::string help_text(const PluginLibrary &library, const std::string &invoked_as) {
  std::string text = singer_usage(invoked_as, library.kind());
  const auto &about = library.about();
  if (about.contains("description") && about["description"].is_string()) {
    text = library.name() + " " + library.version() + ": " +
           about["description"].get<std::string>() + "\n\n" + text;
  }
  return text + settings_help(library);
}

int run_plugin(const std::shared_ptr<PluginLibrary> &library, const SingerCommandLine &args) {
  const nlohmann::json config = merge_config_sources(
      args.config_sources, library->name(), library->settings_schema(), process_environment);
  redactor().add_secrets_from(library->settings_schema(), config);
  MemberLog log(library->name(), nullptr);
  try {
    PluginInstance instance(library, config, log.function());
    if (args.discover) {
      instance.discover(1);
      return 0;
    }
    TapInputs tap_inputs;
    if (!args.state_file.empty()) {
      tap_inputs.state_json = read_json_file(args.state_file, "state").dump();
    }
    if (!args.catalog_file.empty()) {
      tap_inputs.catalog_json = read_json_file(args.catalog_file, "catalog").dump();
    }

    int input_fd = -1;
    if (library->kind() != "tap") {
      input_fd = 0;
      if (!args.input_file.empty()) {
        input_fd = ::open(args.input_file.c_str(), O_RDONLY | O_CLOEXEC);
        if (input_fd < 0) {
          throw std::runtime_error("--input " + args.input_file + " cannot be read");
        }
      }
    }
    // A target's STATE lines leave as bare state values, the Singer form (state_value_output.h).
    std::unique_ptr<StateValueRelay> state_values;
    if (library->kind() == "target") state_values = std::make_unique<StateValueRelay>(1);

    try {
      instance.run(input_fd, state_values ? state_values->target_fd() : 1, tap_inputs);
    } catch (...) {
      if (input_fd > 0) ::close(input_fd);
      throw;  // the relay's destructor still prints the states confirmed before the failure
    }
    if (input_fd > 0) ::close(input_fd);
    if (state_values) state_values->finish();
    return 0;
  } catch (const PluginError &e) {
    log_error(e.what());
    return e.status() >= 1 && e.status() <= 3 ? e.status() : 1;
  }
}

}  // namespace

int exec_plugin(const std::string &plugin, const std::vector<std::string> &singer_args,
                const std::string &invoked_as) {
  auto library = load_plugin(plugin);
  SingerCommandLine args;
  try {
    args = parse_singer_command_line(singer_args, library->kind());
  } catch (const UsageError &e) {
    log_error(invoked_as + ": " + e.what());
    std::cerr << singer_usage(invoked_as, library->kind());
    return 2;
  }
  if (args.help) {
    std::cout << help_text(*library, invoked_as);
    return 0;
  }
  if (args.version) {
    std::cout << library->name() << " v" << library->version() << ", chorus v" << CHORUS_VERSION
              << "\n";
    return 0;
  }
  if (args.about) {
    if (args.about_format == "markdown") {
      std::cout << about_markdown(library->about());
    } else {
      std::cout << library->about().dump(2) << "\n";
    }
    return 0;
  }
  return run_plugin(library, args);
}

void add_exec(CLI::App &app, Command &command) {
  auto arguments = std::make_shared<std::vector<std::string>>();
  CLI::App *exec = app.add_subcommand(
      "exec", "Run one plugin as a Singer executable: chorus exec PLUGIN -- --config FILE ...");
  exec->prefix_command();
  exec->callback([exec, arguments, &command] {
    *arguments = exec->remaining();
    command = [arguments] {
      if (arguments->empty()) {
        throw std::runtime_error(
            "usage: chorus exec PLUGIN -- [--config FILE|ENV]... [--state FILE] "
            "[--catalog FILE] [--discover] [--about [--format json|markdown]] [--version] "
            "[--help]");
      }
      const std::string plugin = arguments->front();
      return exec_plugin(plugin, {arguments->begin() + 1, arguments->end()},
                         "chorus exec " + plugin + " --");
    };
  });
}

}  // namespace chorus::host::commands
