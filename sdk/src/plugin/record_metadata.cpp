#include "chorus/plugin/record_metadata.h"

#include "chorus/plugin/errors.h"
#include "chorus/sql/metadata_columns.h"

namespace chorus::record_metadata {

const std::array<std::string_view, 6> &field_names() {
  static const std::array<std::string_view, 6> names = {sql::kExtractedAt, sql::kReceivedAt,
                                                        sql::kBatchedAt,   sql::kDeletedAt,
                                                        sql::kSequence,    sql::kTableVersion};
  return names;
}

bool set_per_delivery(std::string_view name) {
  return name == sql::kExtractedAt || name == sql::kReceivedAt || name == sql::kBatchedAt ||
         name == sql::kSequence || name == sql::kTableVersion;
}

singer::Value value_of(std::string_view name, const singer::RecordView &record,
                       const RecordMeta &meta, std::string_view batched_at, std::string &scratch) {
  using singer::ValueKind;
  auto text_or_null = [](std::string_view text) {
    return text.empty() ? singer::Value{} : singer::Value{ValueKind::String, text};
  };
  if (name == sql::kExtractedAt) return text_or_null(record.time_extracted);
  if (name == sql::kReceivedAt) return text_or_null(meta.received_at);
  if (name == sql::kBatchedAt) return text_or_null(batched_at);
  if (name == sql::kDeletedAt) {
    const singer::Field *deleted = record.find(sql::kDeletedAt);
    return deleted != nullptr ? deleted->value : singer::Value{};
  }
  if (name == sql::kSequence) {
    scratch = std::to_string(meta.sequence);
    return {ValueKind::Number, scratch};
  }
  if (name == sql::kTableVersion && record.version) {
    scratch = std::to_string(*record.version);
    return {ValueKind::Number, scratch};
  }
  return {};
}

}  // namespace chorus::record_metadata
