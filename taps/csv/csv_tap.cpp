// tap-csv: streams rows of CSV files, typed by a declared or an inferred schema, with optional
// incremental replication on a replication key.
#include <memory>
#include <vector>

#include "chorus/plugin/entry.h"
#include "chorus/plugin/setting.h"
#include "chorus/plugin/table_bookmarks.h"
#include "chorus/plugin/tap_settings.h"
#include "csv_stream.h"
#include "file_spec.h"

namespace chorus::tap_csv {

const Setting<nlohmann::json> kFiles =
    Setting<nlohmann::json>("files",
                            "The streams to read: entity, path (file or glob), keys, "
                            "replication_key, delimiter, schema.")
        .with("type", "array")
        .with("items", file_spec_settings_schema())
        .required();
const Setting<std::uint64_t> kStateEvery =
    Setting<std::uint64_t>("state_every", "Records between STATE messages.")
        .defaults_to(10000)
        .at_least(1);
const Setting<std::uint64_t> kInferSampleRows =
    Setting<std::uint64_t>(
        "infer_sample_rows",
        "Rows read to infer column types when no schema is declared; 0 reads every row.")
        .defaults_to(10000)
        .at_least(0);
// tap_settings::kAllowEmpty in this tap's words (made on first use: it is another file's
// constant, constructed in an order this file cannot rely on).
const Setting<bool> &allow_empty() {
  static const Setting<bool> setting = tap_settings::kAllowEmpty.with(
      "description", "Sync nothing, instead of failing, when a path matches no file.");
  return setting;
}

class CsvTap : public Tap {
 public:
  static PluginInfo info() {
    return {"tap-csv",
            "0.1.0",
            "Reads CSV files, one stream per `files` entry.",
            {"discover", "catalog", "state", "about"},
            SettingList{&kFiles, &kStateEvery, &kInferSampleRows, &allow_empty(), &kTablePartition}
                .schema()};
  }

  CsvTap(PluginContext context, nlohmann::json config) : Tap(context, std::move(config)) {
    specs_ = parse_file_specs(kFiles.read(this->config()));
    options_.state_every = kStateEvery.read(this->config());
    options_.infer_sample_rows = kInferSampleRows.read(this->config());
    options_.allow_empty = allow_empty().read(this->config());
    if (options_.state_every == 0) options_.state_every = 1;
    options_.partition = table_partition(this->config(), "tap-csv");
  }

  std::vector<std::unique_ptr<Stream>> discover_streams() override {
    std::vector<std::unique_ptr<Stream>> streams;
    for (const FileSpec &spec : specs_) {
      streams.push_back(std::make_unique<CsvStream>(spec, options_));
    }
    return streams;
  }

 private:
  std::vector<FileSpec> specs_;
  StreamOptions options_;
};

}  // namespace chorus::tap_csv

CHORUS_PLUGIN(chorus::tap_csv::CsvTap)
