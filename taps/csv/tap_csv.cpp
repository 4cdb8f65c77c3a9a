// tap-csv: streams rows of CSV files, typed by a declared or an inferred schema, with optional
// incremental replication on a replication key.
#include <memory>
#include <vector>

#include "chorus/plugin/entry.h"
#include "csv_stream.h"
#include "file_spec.h"

namespace chorus::csv {

class CsvTap : public Tap {
 public:
  static PluginInfo info() {
    PluginInfo info;
    info.name = "tap-csv";
    info.version = "0.1.0";
    info.description = "Reads CSV files, one stream per `files` entry.";
    info.capabilities = {"discover", "catalog", "state", "about"};
    info.settings = {
        {"type", "object"},
        {"required", {"files"}},
        {"properties",
         {{"files",
           {{"type", "array"},
            {"items", file_spec_settings_schema()},
            {"description",
             "The streams to read: entity, path (file or glob), keys, "
             "replication_key, delimiter, schema."}}},
          {"state_every",
           {{"type", "integer"},
            {"default", 10000},
            {"minimum", 1},
            {"description", "Records between STATE messages."}}},
          {"infer_sample_rows",
           {{"type", "integer"},
            {"default", 10000},
            {"minimum", 0},
            {"description",
             "Rows read to infer column types when no schema is declared; 0 "
             "reads every row."}}},
          {"allow_empty",
           {{"type", "boolean"},
            {"default", false},
            {"description", "Sync nothing, instead of failing, when a path matches no file."}}}}}};
    return info;
  }

  CsvTap(PluginContext context, nlohmann::json config)
      : Tap(std::move(context), std::move(config)) {
    specs_ = parse_file_specs(this->config()["files"]);
    options_.state_every = this->config().value("state_every", std::uint64_t{10000});
    options_.infer_sample_rows = this->config().value("infer_sample_rows", std::uint64_t{10000});
    options_.allow_empty = this->config().value("allow_empty", false);
    if (options_.state_every == 0) options_.state_every = 1;
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

}  // namespace chorus::csv

CHORUS_PLUGIN(chorus::csv::CsvTap)
