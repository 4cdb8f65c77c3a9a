// chorus state show|set|clear: inspect or change a pipeline's stored state.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <memory>
#include <stdexcept>

#include "commands/commands.h"
#include "log.h"
#include "pipeline_config.h"
#include "state_store.h"

namespace chorus::host::commands {
namespace fs = std::filesystem;
namespace {

struct StateOptions {
  std::string pipeline_file;
  std::string state_file;
  std::string value;  // set: JSON text or a file
};

StateStore store_for(const StateOptions &options) {
  if (!options.state_file.empty()) return StateStore(options.state_file);
  if (!options.pipeline_file.empty()) {
    return StateStore(load_pipeline_file(options.pipeline_file).state_path);
  }
  throw std::runtime_error("give --pipeline FILE or --state-file FILE");
}

int show(const StateOptions &options) {
  StateStore store = store_for(options);
  auto state = store.read();
  if (!state) {
    log_info("no state stored at " + store.path().string() + "; the next run starts afresh");
    std::cout << "{}\n";
    return 0;
  }
  std::cout << state->dump(2) << "\n";
  return 0;
}

int set(const StateOptions &options) {
  StateStore store = store_for(options);
  nlohmann::json value;
  auto first = options.value.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && options.value[first] == '{') {
    value = nlohmann::json::parse(options.value, nullptr, false);
    if (value.is_discarded()) throw std::runtime_error("the state given is not valid JSON");
  } else {
    value = read_json_file(options.value, "state");
  }
  if (!value.is_object()) {
    throw std::runtime_error("a state is a JSON object such as {\"bookmarks\": {...}}");
  }
  store.write(value);
  log_info("state stored at " + store.path().string());
  return 0;
}

int clear(const StateOptions &options) {
  StateStore store = store_for(options);
  if (store.clear()) {
    log_info("state removed: " + store.path().string() + "; the next run starts afresh");
  } else {
    log_info("no state stored at " + store.path().string());
  }
  return 0;
}

}  // namespace

void add_state(CLI::App &app, Command &command) {
  auto options = std::make_shared<StateOptions>();
  CLI::App *state = app.add_subcommand("state", "Show, set or clear a pipeline's state");
  state->require_subcommand(1);
  auto add_location = [options](CLI::App *sub) {
    auto *pipeline = sub->add_option("-p,--pipeline", options->pipeline_file, "Pipeline YAML file");
    auto *file = sub->add_option("--state-file", options->state_file, "State file");
    pipeline->excludes(file);
  };
  CLI::App *show_cmd = state->add_subcommand("show", "Print the stored state");
  add_location(show_cmd);
  show_cmd->callback([options, &command] { command = [options] { return show(*options); }; });
  CLI::App *set_cmd = state->add_subcommand("set", "Replace the stored state");
  add_location(set_cmd);
  set_cmd->add_option("value", options->value, "The state: JSON text or a JSON file")->required();
  set_cmd->callback([options, &command] { command = [options] { return set(*options); }; });
  CLI::App *clear_cmd = state->add_subcommand("clear", "Remove the stored state");
  add_location(clear_cmd);
  clear_cmd->callback([options, &command] { command = [options] { return clear(*options); }; });
}

}  // namespace chorus::host::commands
