// chorus run: a pipeline from a file or from the command line.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <map>
#include <memory>
#include <stdexcept>

#include "commands/commands.h"
#include "pipeline/partitioned_run.h"
#include "pipeline/pipeline_config.h"
#include "pipeline/pipeline_runner.h"
#include "pipeline/pipeline_state.h"
#include "plugins/plugin_registry.h"
#include "process/child_process.h"

namespace chorus::host::commands {
namespace fs = std::filesystem;
namespace {

struct RunCommandOptions {
  std::vector<std::string> members;
  std::string pipeline_file;
  std::vector<std::string> configs;
  std::string state_file;
  std::vector<std::string> select;
  bool full_refresh = false;
  bool isolate = false;
  double progress_interval = 60;
  std::string partition;  // "K/N"
  bool finalize = false;
};

MemberSpec member_from_name(const std::string &name, MemberRole role) {
  MemberSpec member;
  member.role = role;
  const bool looks_like_library = name.size() > 3 && name.substr(name.size() - 3) == ".so";
  // A path names a plugin only when it is a shared library; any other path is an executable.
  const bool plugin_candidate = looks_like_library || name.find('/') == std::string::npos;
  if (plugin_candidate && find_plugin_file(name)) {
    member.plugin = name;
  } else if (looks_like_library) {
    throw std::runtime_error("plugin file " + name + " does not exist");
  } else if (find_executable(name)) {
    member.executable = name;
  } else {
    throw std::runtime_error("'" + name + "' is neither a chorus plugin (`chorus plugins` " +
                             "lists them) nor an executable on PATH");
  }
  return member;
}

PipelineSpec spec_from_command_line(const RunCommandOptions &options) {
  if (options.members.size() < 2) {
    throw std::runtime_error(
        "chorus run needs a tap and a target: chorus run TAP [MAPPER...] "
        "TARGET, or --pipeline FILE");
  }
  PipelineSpec spec;
  spec.base_dir = fs::current_path();
  for (std::size_t i = 0; i < options.members.size(); ++i) {
    MemberRole role = i == 0                            ? MemberRole::Tap
                      : i + 1 == options.members.size() ? MemberRole::Target
                                                        : MemberRole::Mapper;
    spec.members.push_back(member_from_name(options.members[i], role));
  }
  spec.name = spec.members.front().display_name() + "-to-" + spec.members.back().display_name();
  return spec;
}

int run_command(const RunCommandOptions &options) {
  PipelineSpec spec;
  if (!options.pipeline_file.empty()) {
    if (!options.members.empty()) {
      throw std::runtime_error("give either --pipeline FILE or the members, not both");
    }
    spec = load_pipeline_file(options.pipeline_file);
  } else {
    spec = spec_from_command_line(options);
  }
  for (const auto &option : options.configs) {
    auto [name, config] = parse_config_option(option);
    bool found = false;
    for (auto &member : spec.members) {
      if (member.display_name() == name || member.plugin == name || member.executable == name) {
        // Key by key, into nested objects too, as Meltano's `config set` does: the settings the
        // pipeline file gives and the option does not name are kept.
        member.config.update(config, /*merge_objects=*/true);
        found = true;
      }
    }
    if (!found) {
      throw std::runtime_error("--config " + name + "=...: no member of the pipeline is named " +
                               name);
    }
  }
  if (!options.state_file.empty()) spec.state_location = state_location_option(options.state_file);
  if (!options.select.empty()) spec.members.front().select = options.select;
  // Relative paths in plugin configs (a CSV file, an output folder) are relative to the
  // pipeline file's folder.
  if (!options.pipeline_file.empty()) fs::current_path(spec.base_dir);
  RunOptions run_options;
  run_options.isolate = options.isolate;
  run_options.full_refresh = options.full_refresh;
  run_options.progress_interval = options.progress_interval;
  if (!options.partition.empty()) {
    return run_partition(spec, run_options, parse_partition(options.partition));
  }
  if (options.finalize) return run_finalize(spec, run_options);
  return run_pipeline(spec, run_options);
}

}  // namespace

void add_run(CLI::App &app, Command &command) {
  auto options = std::make_shared<RunCommandOptions>();
  CLI::App *run =
      app.add_subcommand("run", "Run a pipeline: TAP [MAPPER...] TARGET, or --pipeline FILE");
  run->add_option("members", options->members,
                  "Tap, mappers and target: chorus plugin names, .so paths or Singer executables");
  run->add_option("-p,--pipeline", options->pipeline_file, "Pipeline YAML file");
  run->add_option("-c,--config", options->configs,
                  "NAME=FILE or NAME='{\"key\":\"value\"}': settings of the member NAME, "
                  "merged key by key (nested objects too) into the config the pipeline file "
                  "gives it; repeat to merge several in order");
  run->add_option("-s,--state", options->state_file,
                  "State file (relative to the current folder) or store URL (s3://BUCKET/KEY, "
                  "postgresql://USER@HOST:PORT/DB?state_id=NAME): read to resume, advanced from "
                  "the target's STATE output, locked for the run; default with --pipeline: the "
                  "file's `state:`, or .chorus/NAME.state.json next to the pipeline file");
  run->add_option(
      "--select", options->select,
      "Streams to sync (\"orders\", \"orders.id\", \"!orders.email\", wildcards allowed); a "
      "name that matches nothing is an error");
  run->add_flag("--full-refresh", options->full_refresh, "Ignore the stored state");
  auto *partition = run->add_option(
      "--partition", options->partition,
      "K/N: read slice K of N of every FULL_TABLE stream, on a state of its own next to the "
      "pipeline's; all N slices load the same tables, then --finalize runs once");
  run->add_flag("--finalize", options->finalize,
                "After every slice of a --partition sync finished: write each stream's "
                "ACTIVATE_VERSION once (the target retires the rows of older versions) and "
                "close the sync")
      ->excludes(partition);
  run->add_flag("--isolate", options->isolate,
                "Run each chorus plugin in its own child process, so a crash cannot take the "
                "host down");
  run->add_option("--progress-interval", options->progress_interval,
                  "Seconds between progress log lines when stderr is not a terminal (0: none)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  run->callback([options, &command] { command = [options] { return run_command(*options); }; });
}

}  // namespace chorus::host::commands
