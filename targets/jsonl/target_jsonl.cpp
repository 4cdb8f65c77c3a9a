// target-jsonl: one JSON Lines file per stream in `destination_path`.
#include <memory>
#include <set>
#include <string>

#include "chorus/plugin/entry.h"
#include "jsonl_sink.h"
#include "chorus/plugin/output_file.h"

namespace chorus::jsonl_target {

class JsonlTarget : public Target {
 public:
  static PluginInfo info() {
    PluginInfo info;
    info.name = "target-jsonl";
    info.version = "0.1.0";
    info.description = "Writes each stream's records to a JSON Lines file, one object a line.";
    info.capabilities = {"about", "validate-records"};
    info.settings = {{"type", "object"},
                     {"properties",
                      {{"destination_path",
                        {{"type", "string"},
                         {"default", "."},
                         {"description",
                          "Folder for the {stream}.jsonl files; created when "
                          "missing. A run replaces the files it writes."}}}}}};
    return info;
  }

  JsonlTarget(PluginContext context, nlohmann::json config)
      : Target(std::move(context), std::move(config)) {
    destination_ = this->config().value("destination_path", std::string("."));
    rows_per_drain_ = this->config().value("batch_size_rows", std::size_t{100000});
    if (rows_per_drain_ == 0) rows_per_drain_ = 100000;
  }

  std::unique_ptr<Sink> make_sink(const StreamInfo &info) override {
    file_output::create_directories(destination_, "target-jsonl");
    std::string name = info.name;
    for (char &c : name) {
      if (c == '/' || c == '\\') c = '_';
    }
    std::string path = destination_ + "/" + name + ".jsonl";
    // A repeated SCHEMA keeps appending: JSON Lines has no header to change.
    bool appending = !written_.insert(path).second;
    return std::make_unique<JsonlSink>(info, config(), context(), path, appending, rows_per_drain_);
  }

 private:
  std::string destination_;
  std::size_t rows_per_drain_ = 100000;
  std::set<std::string> written_;
};

}  // namespace chorus::jsonl_target

CHORUS_PLUGIN(chorus::jsonl_target::JsonlTarget)
