// The sink of one stream: the stream's CSV file, appended to on every run (see csv_target.cpp
// for the layout, the column rule and what a resumed run guarantees).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chorus/plugin/appending_file_sink.h"
#include "chorus/singer/field_positions.h"
#include "chorus/sql/metadata_columns.h"
#include "csv_encoding.h"

namespace chorus::target_csv {

struct CsvSinkOptions {
  std::string path;  // the file, naming already applied
  char delimiter = ',';
};

// Which of a file's columns take part in the redelivery check, and how.
struct CsvDigestPlan {
  std::vector<std::size_t> key_columns;  // empty when a key property is not a column
  std::vector<std::uint64_t> name_digests;
  std::vector<bool> per_delivery;  // _sdc_ columns that differ between deliveries
};

class CsvSink : public file_output::AppendingFileSink {
 public:
  CsvSink(StreamInfo info, const nlohmann::json &target_config, const PluginContext &context,
          CsvSinkOptions options);

  ~CsvSink() override { stop_writer(); }

 private:
  void accept_record(const singer::RecordView &record, const RecordMeta &meta) override;
  void write_record(const singer::RecordView &record, const RecordMeta &meta) override;
  void prefetch_record(const singer::RecordView &record) override;
  // On the first record (a stream without records gets no file): settles the columns, brings
  // an existing file to them (a torn last row cut, new columns added) and opens it.
  void open(const singer::RecordView &first_record);
  // Rewrites the file with `columns` as its header, every row getting empty cells for the
  // columns it lacks; atomic (a new file renamed over the old one).
  void widen(const std::vector<std::string> &columns, std::size_t old_width);

  CsvSinkOptions options_;
  std::vector<std::string> columns_;
  // Per column: the _sdc_ field that fills it, or null when the record's property does.
  std::vector<const sql::MetadataField *> metadata_;
  CsvDigestPlan plan_;
  std::optional<singer::FieldPositions> positions_;
  // A row's cells as write_record() writes them (writer thread).
  struct RowCell {
    CellForm form = CellForm::Empty;
    std::string_view text;
  };
  std::vector<RowCell> row_;
  // Per column: the digits of its integer metadata field (_sdc_sequence counts up,
  // _sdc_table_version repeats); unused for the other columns.
  std::vector<sql::CountingDigits> integer_digits_;
  std::vector<std::size_t> cell_ends_;
  std::string key_cell_;  // a key cell encoded ahead, by prefetch_record (writer thread)
  std::string scratch_;
  std::size_t warned_unknown_ = 0;
};

}  // namespace chorus::target_csv
