#include "chorus/sql/metadata_columns.h"

#include <charconv>

#include "chorus/plugin/target.h"

namespace chorus::sql {
namespace {

// `number`'s digits in `scratch`, reusing its buffer: a sequence number (19 digits) is too long
// for std::string's inline buffer, so std::to_string would allocate for every record.
singer::Value number_text(std::int64_t number, std::string &scratch) {
  char digits[24];
  const char *end = std::to_chars(digits, digits + sizeof digits, number).ptr;
  scratch.assign(digits, static_cast<std::size_t>(end - digits));
  return {singer::ValueKind::Number, scratch};
}

LogicalType timestamp_type() {
  LogicalType type;
  type.kind = TypeKind::TimestampTz;
  return type;
}

LogicalType integer_type() {
  LogicalType type;
  type.kind = TypeKind::Integer;
  type.integer_bytes = 8;
  return type;
}

}  // namespace

const std::array<MetadataField, 6> &metadata_fields() {
  static const std::array<MetadataField, 6> fields = {{
      {kExtractedAt, MetadataSource::ExtractedAt, timestamp_type(), true},
      {kReceivedAt, MetadataSource::ReceivedAt, timestamp_type(), true},
      {kBatchedAt, MetadataSource::BatchedAt, timestamp_type(), true},
      {kDeletedAt, MetadataSource::DeletedAt, timestamp_type(), false},
      {kSequence, MetadataSource::Sequence, integer_type(), true},
      {kTableVersion, MetadataSource::TableVersion, integer_type(), true},
  }};
  return fields;
}

const MetadataField *metadata_field(std::string_view name) {
  for (const MetadataField &field : metadata_fields()) {
    if (field.name == name) return &field;
  }
  return nullptr;
}

bool filled_by_target(const MetadataField &field) {
  return field.source != MetadataSource::DeletedAt;
}

bool set_per_delivery(std::string_view name) {
  const MetadataField *field = metadata_field(name);
  return field != nullptr && field->per_delivery;
}

std::vector<Column> metadata_columns() {
  std::vector<Column> columns;
  for (const MetadataField &field : metadata_fields()) {
    columns.push_back({std::string(field.name), field.type});
  }
  return columns;
}

singer::Value metadata_value(MetadataSource source, const singer::RecordView &record,
                             const RecordMeta &meta, std::string_view batched_at,
                             std::string &scratch) {
  using singer::ValueKind;
  auto text_or_null = [](std::string_view text) {
    return text.empty() ? singer::Value{} : singer::Value{ValueKind::String, text};
  };
  switch (source) {
    case MetadataSource::ExtractedAt:
      return text_or_null(record.time_extracted);
    case MetadataSource::ReceivedAt:
      return text_or_null(meta.received_at);
    case MetadataSource::BatchedAt:
      return text_or_null(batched_at);
    case MetadataSource::DeletedAt: {
      const singer::Field *deleted = record.find(kDeletedAt);
      return deleted != nullptr ? deleted->value : singer::Value{};
    }
    case MetadataSource::Sequence:
    case MetadataSource::TableVersion: {
      const std::optional<std::int64_t> number = metadata_integer(source, record, meta);
      return number ? number_text(*number, scratch) : singer::Value{};
    }
  }
  return {};
}

std::optional<std::int64_t> metadata_integer(MetadataSource source,
                                             const singer::RecordView &record,
                                             const RecordMeta &meta) {
  if (source == MetadataSource::Sequence) return meta.sequence;
  // A new optional from the number, not a copy of the record's: GCC copies an optional through
  // the stack in parts and reads it back whole, a failed store forwarding that stalled every
  // row of the file targets.
  if (source == MetadataSource::TableVersion && record.version.has_value()) {
    return *record.version;
  }
  return std::nullopt;
}

std::string_view CountingDigits::of(std::int64_t number) {
  if (size_ != 0 && number == last_) return std::string_view(digits_, size_);
  // number - 1, not last_ + 1: the latter overflows after the largest int64.
  if (size_ == 0 || number <= 0 || number - 1 != last_ || !count_up()) {
    size_ = static_cast<std::size_t>(std::to_chars(digits_, digits_ + sizeof digits_, number).ptr -
                                     digits_);
  }
  last_ = number;
  return std::string_view(digits_, size_);
}

bool CountingDigits::count_up() {
  for (std::size_t i = size_; i-- > 0;) {
    if (digits_[i] != '9') {
      ++digits_[i];
      return true;
    }
    digits_[i] = '0';
  }
  return false;
}

std::string metadata_column(const Dialect &dialect, std::string_view name) {
  return dialect.safe_name(name);
}

TableName table_for_stream(const Dialect &dialect, std::string_view stream,
                           std::string_view default_schema, std::string_view fallback_schema) {
  TableName name;
  auto dash = stream.find('-');
  std::string_view table = dash == std::string_view::npos ? stream : stream.substr(dash + 1);
  std::string_view schema = !default_schema.empty()          ? default_schema
                            : dash != std::string_view::npos ? stream.substr(0, dash)
                                                             : fallback_schema;
  name.schema = dialect.safe_name(schema);
  name.table = dialect.safe_name(table);
  return name;
}

bool marks_deletion(const singer::RecordView &record) {
  const singer::Field *field = record.find(kDeletedAt);
  return field && !field->value.is_null();
}

}  // namespace chorus::sql
