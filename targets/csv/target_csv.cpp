// target-csv: one CSV file per stream in `destination_path`.
#include <chrono>
#include <ctime>
#include <memory>
#include <string>

#include "chorus/plugin/entry.h"
#include "chorus/plugin/errors.h"
#include "chorus/plugin/output_file.h"
#include "csv_sink.h"

namespace chorus::csv_target {
namespace {

std::string utc_compact_timestamp() {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &utc);
  return text;
}

// `pattern` with {stream} and {timestamp} replaced. A '/' in a stream name would escape the
// destination folder, so it becomes '_'.
std::string file_name(const std::string &pattern, std::string stream,
                      const std::string &timestamp) {
  for (char &c : stream) {
    if (c == '/' || c == '\\') c = '_';
  }
  std::string name = pattern;
  auto replace = [&](const std::string &placeholder, const std::string &value) {
    for (auto at = name.find(placeholder); at != std::string::npos;
         at = name.find(placeholder, at + value.size())) {
      name.replace(at, placeholder.size(), value);
    }
  };
  replace("{stream}", stream);
  replace("{timestamp}", timestamp);
  return name;
}

}  // namespace

class CsvTarget : public Target {
 public:
  static PluginInfo info() {
    PluginInfo info;
    info.name = "target-csv";
    info.version = "0.1.0";
    info.description = "Writes each stream to a CSV file.";
    info.capabilities = {"about", "validate-records"};
    info.settings = {
        {"type", "object"},
        {"properties",
         {{"destination_path",
           {{"type", "string"},
            {"default", "."},
            {"description", "Folder for the CSV files; created when missing."}}},
          {"delimiter",
           {{"type", "string"}, {"default", ","}, {"description", "Field delimiter, one byte."}}},
          {"file_naming",
           {{"type", "string"},
            {"default", "{stream}.csv"},
            {"description",
             "File name pattern; {stream} and {timestamp} (UTC, "
             "20261101T101500Z) are replaced. A file is replaced by the first "
             "stream of a run that writes it."}}}}}};
    return info;
  }

  CsvTarget(PluginContext context, nlohmann::json config)
      : Target(std::move(context), std::move(config)), timestamp_(utc_compact_timestamp()) {
    destination_ = this->config().value("destination_path", std::string("."));
    naming_ = this->config().value("file_naming", std::string("{stream}.csv"));
    std::string delimiter = this->config().value("delimiter", std::string(","));
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
    rows_per_drain_ = this->config().value("batch_size_rows", std::size_t{100000});
  }

  std::unique_ptr<Sink> make_sink(const StreamInfo &info) override {
    file_output::create_directories(destination_, "target-csv");
    CsvSinkOptions options;
    options.path = destination_ + "/" + file_name(naming_, info.name, timestamp_);
    options.delimiter = delimiter_;
    options.rows_per_drain = rows_per_drain_ > 0 ? rows_per_drain_ : 100000;
    return std::make_unique<CsvSink>(info, config(), context(), options, written_);
  }

 private:
  std::string timestamp_;
  std::string destination_;
  std::string naming_;
  char delimiter_ = ',';
  std::size_t rows_per_drain_ = 100000;
  WrittenFiles written_;
};

}  // namespace chorus::csv_target

CHORUS_PLUGIN(chorus::csv_target::CsvTarget)
