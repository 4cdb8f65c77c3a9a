// chorus select PIPELINE --list: every stream and property of the pipeline's tap, with the
// selection its `select:` patterns (and --select ones given here) make, as a run would apply it.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <stdexcept>

#include "commands/commands.h"
#include "log.h"
#include "pipeline/pipeline_config.h"
#include "plugins/catalog_selection.h"
#include "plugins/discovery.h"

namespace chorus::host::commands {
namespace {

struct SelectOptions {
  std::string pipeline_file;
  std::vector<std::string> select;  // replaces the pipeline's, as `chorus run --select` does
  bool list = false;
};

const char *label(SelectionEntry::State state) {
  switch (state) {
    case SelectionEntry::State::Selected:
      return "[selected ]";
    case SelectionEntry::State::Automatic:
      return "[automatic]";
    case SelectionEntry::State::Excluded:
      break;
  }
  return "[excluded ]";
}

int list_selection(const SelectOptions &options) {
  PipelineSpec pipeline = load_pipeline_file(options.pipeline_file);
  MemberSpec tap = pipeline.members.front();
  if (!options.select.empty()) tap.select = options.select;
  nlohmann::json catalog = discover_catalog(tap, false);
  if (tap.select.empty()) {
    log_info("no select patterns: a run passes no catalog and " + tap.display_name() +
             " syncs its default selection, shown here");
  } else {
    catalog = select_streams(std::move(catalog), tap.select);
  }
  for (const SelectionEntry &entry : selection_states(catalog)) {
    std::cout << label(entry.state) << " " << entry.stream
              << (entry.property.empty() ? "" : "." + entry.property) << "\n";
  }
  return 0;
}

}  // namespace

void add_select(CLI::App &app, Command &command) {
  auto options = std::make_shared<SelectOptions>();
  CLI::App *sub = app.add_subcommand(
      "select", "Show which streams and properties a pipeline's tap selects (--list)");
  sub->add_option("pipeline", options->pipeline_file, "Pipeline YAML file")->required();
  sub->add_flag("--list", options->list, "List every stream and property with its selection");
  sub->add_option("--select", options->select,
                  "Patterns to try instead of the pipeline's: STREAM, STREAM.PROPERTY, "
                  "!STREAM.PROPERTY (wildcards allowed)");
  sub->callback([options, &command] {
    if (!options->list) {
      throw CLI::ValidationError("--list", "chorus select shows the selection: give --list");
    }
    command = [options] { return list_selection(*options); };
  });
}

}  // namespace chorus::host::commands
