#include "csv_sink.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <filesystem>

#include "chorus/plugin/key_properties.h"
#include "chorus/singer/json_number.h"
#include "chorus/sql/metadata_columns.h"
#include "csv_encoding.h"
#include "csv_file_scan.h"

namespace chorus::target_csv {
namespace {

constexpr const char *kPlugin = "target-csv";

CsvDigestPlan plan_for(const std::vector<std::string> &columns,
                       const std::vector<std::string> &keys) {
  CsvDigestPlan plan;
  for (const std::string &column : columns) {
    file_output::Digest name;
    name.add(column);
    plan.name_digests.push_back(name.value());
    plan.per_delivery.push_back(sql::set_per_delivery(column));
  }
  for (const std::string &key : keys) {
    const auto at = std::find(columns.begin(), columns.end(), key);
    if (at == columns.end()) {
      plan.key_columns.clear();
      break;
    }
    plan.key_columns.push_back(static_cast<std::size_t>(at - columns.begin()));
  }
  return plan;
}

// The digest of a row's key cells as the redelivery filter files it; none when the stream has
// no key or a key cell is empty. `cell(i)` is the i-th cell ("" past the end of a short row).
template <class Cell>
std::optional<std::uint64_t> key_digest(const CsvDigestPlan &plan, const Cell &cell) {
  if (plan.key_columns.empty()) return std::nullopt;
  file_output::Digest key;
  for (const std::size_t column : plan.key_columns) {
    const std::string_view text = cell(column);
    if (text.empty()) return std::nullopt;
    key.add(text);
  }
  return key.value();
}

// Whether the redelivery filter admits a row: its key and content as the filter compares them,
// the cells as written, the per-delivery _sdc_ columns and empty (NULL) cells left out, each
// cell with its column's name, so that the columns a file gained later do not change the digest
// of an older row. A row without a key is admitted without a question.
template <class Cell>
bool admitted(file_output::RedeliveryFilter &filter, const CsvDigestPlan &plan, std::size_t width,
              const Cell &cell) {
  const std::optional<std::uint64_t> key = key_digest(plan, cell);
  if (!key) return true;
  // The slots arrive while the row's digest is computed.
  filter.prefetch(*key);
  file_output::Digest row;
  for (std::size_t i = 0; i < width; ++i) {
    const std::string_view text = cell(i);
    if (text.empty() || plan.per_delivery[i]) continue;
    row.add(plan.name_digests[i], text);
  }
  // A key of one integer cell goes to the filter's list of rising keys while keys rise.
  if (plan.key_columns.size() == 1) {
    if (const auto value = singer::canonical_integer(cell(plan.key_columns[0]))) {
      return filter.admit(*key, *value, row.value());
    }
  }
  return filter.admit(*key, row.value());
}

// The metadata whose text chorus writes itself (its clock's times, integers), which holds
// nothing a CSV cell would quote; _sdc_extracted_at is the tap's text.
bool formatted_by_chorus(sql::MetadataSource source) {
  switch (source) {
    case sql::MetadataSource::ReceivedAt:
    case sql::MetadataSource::BatchedAt:
    case sql::MetadataSource::Sequence:
    case sql::MetadataSource::TableVersion:
      return true;
    case sql::MetadataSource::ExtractedAt:
    case sql::MetadataSource::DeletedAt:
      return false;
  }
  return false;
}

std::string header_row(const std::vector<std::string> &columns, char delimiter) {
  std::string header;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) header.push_back(delimiter);
    append_csv_field(header, columns[i], delimiter);
  }
  header.push_back('\n');
  return header;
}

}  // namespace

CsvSink::CsvSink(StreamInfo info, const nlohmann::json &target_config, const PluginContext &context,
                 CsvSinkOptions options)
    : AppendingFileSink(std::move(info), target_config, context, kPlugin, options.path),
      options_(std::move(options)) {}

void CsvSink::open(const singer::RecordView &first_record) {
  const std::string &path = options_.path;
  std::vector<std::string> wanted = singer::in_record_order(
      singer::property_names(info().schema, info().property_order), first_record);
  if (add_record_metadata()) {
    for (const sql::MetadataField &field : sql::metadata_fields()) {
      if (std::find(wanted.begin(), wanted.end(), field.name) == wanted.end()) {
        wanted.emplace_back(field.name);
      }
    }
  }

  std::vector<std::string> header;
  if (const auto size = file_output::file_size(path, kPlugin); size && *size > 0) {
    const bool keyed = !info().key_properties.empty();
    std::optional<CsvDigestPlan> file_plan;
    const CsvFileScan scan =
        scan_csv_file(path, options_.delimiter,
                      [&](const std::vector<std::string> &file_header,
                          const std::vector<std::string_view> &cells, std::string_view) {
                        if (!keyed) return;
                        if (!file_plan) file_plan = plan_for(file_header, info().key_properties);
                        admitted(redelivered_, *file_plan, file_header.size(),
                                 [&](std::size_t i) -> std::string_view {
                                   if (i >= cells.size() || cells[i].empty()) return {};
                                   return cells[i];
                                 });
                      });
    // A row counts once its line break is written; the header row too.
    if (scan.complete_length < *size) {
      file_output::cut_to_length(path, scan.complete_length, kPlugin);
      context().warn(std::string(kPlugin) + ": stream '" + stream() + "': removed the last " +
                     std::to_string(*size - scan.complete_length) + " bytes of '" + path +
                     "', a row an interrupted run left unfinished");
    }
    header = scan.header;
  }

  std::vector<std::string> columns = header;
  for (const std::string &name : wanted) {
    if (std::find(columns.begin(), columns.end(), name) == columns.end()) columns.push_back(name);
  }
  if (!header.empty() && columns.size() > header.size()) {
    context().info(std::string(kPlugin) + ": stream '" + stream() + "': adding " +
                   std::to_string(columns.size() - header.size()) + " new columns to '" + path +
                   "' (earlier rows get empty cells for them)");
    widen(columns, header.size());
  }

  columns_ = std::move(columns);
  metadata_.clear();
  const auto &properties =
      info().schema.contains("properties") ? info().schema["properties"] : nlohmann::json::object();
  for (const std::string &column : columns_) {
    const bool metadata =
        add_record_metadata() && !(properties.is_object() && properties.contains(column));
    const sql::MetadataField *field = metadata ? sql::metadata_field(column) : nullptr;
    metadata_.push_back(field != nullptr && sql::filled_by_target(*field) ? field : nullptr);
  }
  plan_ = plan_for(columns_, info().key_properties);
  positions_.emplace(columns_);
  row_.assign(columns_.size(), RowCell{});
  integer_digits_.assign(columns_.size(), sql::CountingDigits{});
  cell_ends_.assign(columns_.size(), 0);
  file_ = std::make_unique<file_output::OutputFile>(path, file_output::OutputFile::Mode::Append,
                                                    kPlugin);
  if (header.empty()) file_->buffer() += header_row(columns_, options_.delimiter);
}

void CsvSink::widen(const std::vector<std::string> &columns, std::size_t old_width) {
  const std::filesystem::path path(options_.path);
  const std::string temporary =
      (path.parent_path() / ("." + path.filename().string() + ".widening")).string();
  {
    file_output::OutputFile out(temporary, file_output::OutputFile::Mode::Truncate, kPlugin);
    out.buffer() += header_row(columns, options_.delimiter);
    scan_csv_file(options_.path, options_.delimiter,
                  [&](const std::vector<std::string> &, const std::vector<std::string_view> &cells,
                      std::string_view row) {
                    std::string &buffer = out.buffer();
                    buffer.append(row);
                    const std::size_t width = std::max(cells.size(), old_width);
                    buffer.append(columns.size() > width ? columns.size() - width : 0,
                                  options_.delimiter);
                    buffer.push_back('\n');
                    out.maybe_flush();
                  });
    out.sync();
  }
  file_output::replace_durably(temporary, options_.path, kPlugin);
}

void CsvSink::accept_record(const singer::RecordView &record, const RecordMeta &meta) {
  key_properties::require_values(info(), record, meta.line_number, kPlugin);
  if (!file_) open(record);
}

void CsvSink::prefetch_record(const singer::RecordView &record) {
  // Keys that rise are not looked up (see RedeliveryFilter::admit): no slots to load.
  if (redelivered_.keys_rising()) return;
  // The key's cells as write_record() will write them: key properties are schema properties,
  // so each is the CSV text of the record's field of that name ("" when it has none). One
  // buffer serves every key cell: key_digest() is done with a cell before it asks for the next.
  const std::optional<std::uint64_t> key = key_digest(plan_, [&](std::size_t column) {
    key_cell_.clear();
    if (const singer::Field *field = record.find(columns_[column])) {
      append_csv_value(key_cell_, field->value, options_.delimiter);
    }
    return std::string_view(key_cell_);
  });
  if (key) redelivered_.prefetch(*key);
}

void CsvSink::write_record(const singer::RecordView &record, const RecordMeta &meta) {
  if (pending_rows_ == 0) batched_at_ = meta.received_at;
  const std::vector<std::size_t> &positions = positions_->of(record);
  std::fill(row_.begin(), row_.end(), RowCell{});
  for (std::size_t i = 0; i < positions.size(); ++i) {
    if (positions[i] == singer::FieldPositions::kIgnored) continue;
    const singer::Value &value = record.fields[i].value;
    row_[positions[i]] = {cell_form(value), value.text};
  }
  // The row's cells first, then room for the row at its longest in one step, written into
  // in place: fewer steps than an append per cell, each checking the buffer's capacity.
  std::size_t longest = row_.size();  // the delimiters and the line break
  for (std::size_t i = 0; i < row_.size(); ++i) {
    RowCell &cell = row_[i];
    if (const sql::MetadataField *field = metadata_[i]) {
      if (field->type.kind == sql::TypeKind::Integer) {
        const std::optional<std::int64_t> number =
            sql::metadata_integer(field->source, record, meta);
        cell = number ? RowCell{CellForm::AsIs, integer_digits_[i].of(*number)} : RowCell{};
      } else {
        const singer::Value value =
            sql::metadata_value(field->source, record, meta, batched_at_, scratch_);
        // The times chorus writes itself hold nothing to quote; _sdc_extracted_at is the
        // tap's text.
        cell = {value.is_null()                      ? CellForm::Empty
                : formatted_by_chorus(field->source) ? CellForm::AsIs
                                                     : CellForm::Field,
                value.text};
      }
    }
    longest += longest_cell(cell.form, cell.text);
  }
  std::string &out = file_->buffer();
  const std::size_t row_start = out.size();
  const char delimiter = options_.delimiter;
  out.resize(row_start + longest);
  char *const buffer = out.data();
  char *at = buffer + row_start;
  for (std::size_t i = 0; i < row_.size(); ++i) {
    if (i > 0) *at++ = delimiter;
    at = write_csv_cell(at, row_[i].form, row_[i].text, delimiter);
    cell_ends_[i] = static_cast<std::size_t>(at - buffer);
  }
  out.resize(static_cast<std::size_t>(at - buffer));
  const auto cell = [&](std::size_t i) {
    const std::size_t begin = i == 0 ? row_start : cell_ends_[i - 1] + 1;
    return std::string_view(out).substr(begin, cell_ends_[i] - begin);
  };
  if (!admitted(redelivered_, plan_, row_.size(), cell)) {
    out.resize(row_start);
    ++skipped_;
    return;
  }
  out.push_back('\n');
  file_->maybe_flush();
  ++pending_rows_;

  if (positions_->unknown_fields().size() > warned_unknown_) {
    for (; warned_unknown_ < positions_->unknown_fields().size(); ++warned_unknown_) {
      context().warn(std::string(kPlugin) + ": stream '" + stream() + "': property '" +
                     positions_->unknown_fields()[warned_unknown_] +
                     "' is not in the stream's schema and is not written");
    }
  }
}

}  // namespace chorus::target_csv
