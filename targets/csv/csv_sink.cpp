#include "csv_sink.h"

#include "csv_encoding.h"

namespace chorus::csv_target {
CsvSink::CsvSink(StreamInfo info, const nlohmann::json &target_config, const PluginContext &context,
                 CsvSinkOptions options, WrittenFiles &written)
    : Sink(std::move(info), target_config, context),
      options_(std::move(options)),
      written_(written),
      columns_(singer::property_names(this->info().schema, this->info().property_order)) {}

void CsvSink::start(const singer::RecordView *first_record) {
  if (first_record != nullptr) columns_ = singer::in_record_order(columns_, *first_record);
  positions_.emplace(columns_);
  cells_.assign(columns_.size(), nullptr);
  WrittenFiles &written = written_;
  std::string header;
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    if (i > 0) header.push_back(options_.delimiter);
    append_csv_field(header, columns_[i], options_.delimiter);
  }
  header.push_back('\n');

  // A path written earlier in this run with another header gets a numbered sibling, since one
  // CSV file cannot change its columns half way.
  std::string path = options_.path;
  for (int copy = 2;; ++copy) {
    auto found = written.find(path);
    if (found == written.end() || found->second == header) break;
    std::string::size_type dot = options_.path.rfind('.');
    std::string::size_type slash = options_.path.rfind('/');
    bool has_extension = dot != std::string::npos && (slash == std::string::npos || dot > slash);
    path = has_extension ? options_.path.substr(0, dot) + "-" + std::to_string(copy) +
                               options_.path.substr(dot)
                         : options_.path + "-" + std::to_string(copy);
  }
  if (path != options_.path) {
    this->context().warn("target-csv: stream '" + stream() +
                         "' changed its columns; writing the new rows to '" + path + "'");
  }
  bool appending = written.count(path) != 0;
  file_ = std::make_unique<file_output::OutputFile>(
      path,
      appending ? file_output::OutputFile::Mode::Append : file_output::OutputFile::Mode::Truncate,
      "target-csv");
  if (!appending) {
    file_->buffer() += header;
    written.emplace(path, header);
  }
}

void CsvSink::process_record(const singer::RecordView &record, const RecordMeta &meta) {
  (void)meta;
  if (!file_) start(&record);
  const std::vector<std::size_t> &positions = positions_->of(record);
  std::fill(cells_.begin(), cells_.end(), nullptr);
  for (std::size_t i = 0; i < positions.size(); ++i) {
    if (positions[i] != singer::FieldPositions::kIgnored)
      cells_[positions[i]] = &record.fields[i].value;
  }
  std::string &out = file_->buffer();
  const char delimiter = options_.delimiter;
  for (std::size_t i = 0; i < cells_.size(); ++i) {
    if (i > 0) out.push_back(delimiter);
    if (cells_[i] != nullptr) append_csv_value(out, *cells_[i], delimiter);
  }
  out.push_back('\n');
  file_->maybe_flush();
  ++pending_rows_;

  if (positions_->unknown_fields().size() > warned_unknown_) {
    for (; warned_unknown_ < positions_->unknown_fields().size(); ++warned_unknown_) {
      context().warn("target-csv: stream '" + stream() + "': property '" +
                     positions_->unknown_fields()[warned_unknown_] +
                     "' is not in the stream's schema and is not written");
    }
  }
}

void CsvSink::drain() {
  if (!file_) start(nullptr);
  file_->sync();
  pending_rows_ = 0;
}

void CsvSink::finish() { drain(); }

}  // namespace chorus::csv_target
