// target-jsonl: one JSON Lines file per stream in `destination_path`, appended to run after run.
//
// Layout: <destination_path>/<stream>.jsonl, the stream name escaped into one file name
// (chorus/plugin/stream_file_name.h). Every run appends; nothing a run committed is ever
// removed or rewritten by a later one. What a resumed run guarantees:
//  - A record is in the file (fsynced) before any STATE that follows it is echoed.
//  - A line an interrupted run left half written (no line break yet) is cut away when the next
//    run opens the file; the tap sends that record again, since its STATE was never echoed.
//  - Keyed streams: a record identical to its key's latest row in the file (the per-delivery
//    _sdc_ fields and nulls aside) is a redelivery and is not written again, so resumes add no
//    duplicates; every change of a key is a new line (the file is the key's history, the last
//    line of a key is its current value).
//  - Streams without key properties: at least once. Records written after the last STATE the
//    host stored are written again by the resumed run.
#include <memory>
#include <string>

#include "chorus/plugin/entry.h"
#include "chorus/plugin/output_file.h"
#include "chorus/plugin/setting.h"
#include "chorus/plugin/stream_file_name.h"
#include "jsonl_sink.h"

namespace chorus::target_jsonl {
namespace {

const Setting<std::string> kDestinationPath =
    Setting<std::string>("destination_path",
                         "Folder for the <stream>.jsonl files; created when missing. Runs append "
                         "to the files; delete a file (and the stream's state) to start it over.")
        .defaults_to(".");

}  // namespace

class JsonlTarget : public Target {
 public:
  static PluginInfo info() {
    return {"target-jsonl",
            "0.2.0",
            "Appends each stream's records to <destination_path>/<stream>.jsonl, one JSON object "
            "a line, fsynced before each STATE is echoed. Every run appends: no run removes what "
            "an earlier run committed. On resume a half-written last line is cut away; for "
            "streams with key properties a record identical to its key's latest line is not "
            "written again (no duplicates), streams without keys are at least once. Records "
            "without a value for a key property are refused. Stream names are escaped into file "
            "names one to one (a/b -> a%2Fb.jsonl).",
            {"about", "validate-records"},
            SettingList{&kDestinationPath}.schema()};
  }

  JsonlTarget(PluginContext context, nlohmann::json config) : Target(context, std::move(config)) {
    destination_ = kDestinationPath.read(this->config());
  }

  std::unique_ptr<Sink> make_sink(const StreamInfo &info) override {
    file_output::create_directories(destination_, "target-jsonl");
    JsonlSinkOptions options;
    options.path = destination_ + "/" + file_output::stream_file_stem(info.name) + ".jsonl";
    return std::make_unique<JsonlSink>(info, config(), context(), std::move(options));
  }

 private:
  std::string destination_;
};

}  // namespace chorus::target_jsonl

CHORUS_PLUGIN(chorus::target_jsonl::JsonlTarget)
