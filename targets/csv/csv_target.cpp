// target-csv: one CSV file per stream in `destination_path`, appended to run after run.
//
// Layout: <destination_path>/<file_naming>, {stream} being the stream name escaped into one
// file name (chorus/plugin/stream_file_name.h). Every run appends; nothing a run committed is
// ever removed. Columns: a file's header is the union of every column its stream has had, in
// the order they first appeared; when a SCHEMA (or a later run) brings new properties, the file
// is rewritten once, atomically, with the new columns at the end and empty cells for them in the
// earlier rows. A file is created with the stream's first record, so no file is ever empty.
// What a resumed run guarantees:
//  - A row is in the file (fsynced) before any STATE that follows it is echoed.
//  - A row an interrupted run left half written is cut away when the next run opens the file;
//    the tap sends that record again, since its STATE was never echoed.
//  - Keyed streams: a record whose cells equal its key's latest row in the file (the
//    per-delivery _sdc_ columns and empty cells aside) is a redelivery and is not written
//    again, so resumes add no duplicates; every change of a key is a new row.
//  - Streams without key properties: at least once.
#include <chrono>
#include <ctime>
#include <memory>
#include <string>

#include "chorus/plugin/entry.h"
#include "chorus/plugin/errors.h"
#include "chorus/plugin/output_file.h"
#include "chorus/plugin/setting.h"
#include "chorus/plugin/stream_file_name.h"
#include "csv_sink.h"

namespace chorus::target_csv {
namespace {

std::string utc_compact_timestamp() {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &utc);
  return text;
}

// `pattern` with {stream} (escaped one to one into a file name) and {timestamp} replaced.
std::string file_name(const std::string &pattern, const std::string &stream,
                      const std::string &timestamp) {
  const std::string stem = file_output::stream_file_stem(stream);
  std::string name = pattern;
  auto replace = [&](const std::string &placeholder, const std::string &value) {
    for (auto at = name.find(placeholder); at != std::string::npos;
         at = name.find(placeholder, at + value.size())) {
      name.replace(at, placeholder.size(), value);
    }
  };
  replace("{stream}", stem);
  replace("{timestamp}", timestamp);
  return name;
}

const Setting<std::string> kDestinationPath =
    Setting<std::string>("destination_path", "Folder for the CSV files; created when missing.")
        .defaults_to(".");
const Setting<std::string> kDelimiter =
    Setting<std::string>("delimiter", "Field delimiter, one byte.").defaults_to(",");
const Setting<std::string> kFileNaming =
    Setting<std::string>("file_naming",
                         "File name pattern; {stream} and {timestamp} (UTC, 20261101T101500Z) "
                         "are replaced. Runs append to the file they name; with {timestamp} "
                         "each run writes its own files.")
        .defaults_to("{stream}.csv");

}  // namespace

class CsvTarget : public Target {
 public:
  static PluginInfo info() {
    return {"target-csv",
            "0.2.0",
            "Appends each stream's records to a CSV file (RFC 4180, header row) in "
            "destination_path, fsynced before each STATE is echoed. Every run appends: no run "
            "removes what an earlier run committed. A file's columns are the union of its "
            "stream's columns (new ones are added at the end, earlier rows get empty cells); a "
            "file is created with its stream's first record. On resume a half-written last row "
            "is cut away; for streams with key properties a record equal to its key's latest "
            "row is not written again (no duplicates), streams without keys are at least once. "
            "Records without a value for a key property are refused. Stream names are escaped "
            "into file names one to one (a/b -> a%2Fb.csv).",
            {"about", "validate-records"},
            SettingList{&kDestinationPath, &kDelimiter, &kFileNaming}.schema()};
  }

  CsvTarget(PluginContext context, nlohmann::json config)
      : Target(context, std::move(config)), timestamp_(utc_compact_timestamp()) {
    destination_ = kDestinationPath.read(this->config());
    naming_ = kFileNaming.read(this->config());
    std::string delimiter = kDelimiter.read(this->config());
    if (delimiter == "\\t") delimiter = "\t";
    if (delimiter.size() != 1 || delimiter == "\"" || delimiter == "\n" || delimiter == "\r") {
      throw ConfigError(
          "target-csv: setting `delimiter` must be a single byte other than a "
          "quote or a line break (\"\\t\" for tab)");
    }
    delimiter_ = delimiter[0];
    if (naming_.find("{stream}") == std::string::npos) {
      throw ConfigError(
          "target-csv: setting `file_naming` must contain {stream}, or every "
          "stream would write the same file");
    }
  }

  std::unique_ptr<Sink> make_sink(const StreamInfo &info) override {
    file_output::create_directories(destination_, "target-csv");
    CsvSinkOptions options;
    options.path = destination_ + "/" + file_name(naming_, info.name, timestamp_);
    options.delimiter = delimiter_;
    return std::make_unique<CsvSink>(info, config(), context(), std::move(options));
  }

 private:
  std::string timestamp_;
  std::string destination_;
  std::string naming_;
  char delimiter_ = ',';
};

}  // namespace chorus::target_csv

CHORUS_PLUGIN(chorus::target_csv::CsvTarget)
