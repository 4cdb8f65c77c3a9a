#include "chorus/sql/metadata_columns.h"

namespace chorus::sql {

std::vector<Column> metadata_columns() {
  LogicalType timestamp;
  timestamp.kind = TypeKind::TimestampTz;
  LogicalType integer;
  integer.kind = TypeKind::Integer;
  integer.integer_bytes = 8;
  return {
      {std::string(kExtractedAt), timestamp}, {std::string(kReceivedAt), timestamp},
      {std::string(kBatchedAt), timestamp},   {std::string(kDeletedAt), timestamp},
      {std::string(kSequence), integer},      {std::string(kTableVersion), integer},
  };
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
