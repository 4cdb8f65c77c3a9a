// The sink of one stream: a CSV file with a header row from the stream's schema.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chorus/plugin/target.h"
#include "chorus/singer/field_positions.h"
#include "chorus/plugin/output_file.h"

namespace chorus::csv_target {

// Files this run has written, with the header each one got, so that a stream whose SCHEMA is
// repeated keeps appending to its file instead of starting it again.
using WrittenFiles = std::map<std::string, std::string>;

struct CsvSinkOptions {
  std::string path;  // the file, naming already applied
  char delimiter = ',';
  std::size_t rows_per_drain = 100000;
};

class CsvSink : public Sink {
 public:
  CsvSink(StreamInfo info, const nlohmann::json &target_config, const PluginContext &context,
          CsvSinkOptions options, WrittenFiles &written);

  void process_record(const singer::RecordView &record, const RecordMeta &meta) override;
  bool is_full() const override { return pending_rows_ >= options_.rows_per_drain; }
  void drain() override;
  void finish() override;

 private:
  // Settles the column order (the first record's field order, when there is one), then opens
  // the file and writes the header.
  void start(const singer::RecordView *first_record);

  CsvSinkOptions options_;
  WrittenFiles &written_;
  std::vector<std::string> columns_;
  std::optional<singer::FieldPositions> positions_;
  std::unique_ptr<file_output::OutputFile> file_;
  std::vector<const singer::Value *> cells_;
  std::size_t pending_rows_ = 0;
  std::size_t warned_unknown_ = 0;
};

}  // namespace chorus::csv_target
