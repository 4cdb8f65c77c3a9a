#include "table_layout.h"

#include <algorithm>
#include <cctype>

#include "chorus/singer/message.h"
#include "chorus/sql/logical_type.h"
#include "chorus/sql/metadata_columns.h"

namespace chorus::sqlite_target {
namespace {

TableColumn column_for(const std::string &name, const nlohmann::json &property,
                       const sql::TypeOptions &options) {
  sql::LogicalType type = sql::logical_type_of(property, options);
  switch (type.kind) {
    case sql::TypeKind::Integer:
      return {name, "INTEGER", Affinity::Integer, ColumnSource::Property};
    case sql::TypeKind::Float:
      return {name, "REAL", Affinity::Real, ColumnSource::Property};
    case sql::TypeKind::Decimal:
      return {name, "", Affinity::Number, ColumnSource::Property};
    case sql::TypeKind::Boolean:
      return {name, "BOOLEAN", Affinity::Boolean, ColumnSource::Property};
    default:
      return {name, "TEXT", Affinity::Text, ColumnSource::Property};
  }
}

}  // namespace

Affinity affinity_of_declared(const std::string &declared_type) {
  std::string upper;
  for (char c : declared_type) upper.push_back(static_cast<char>(std::toupper(c)));
  auto has = [&](const char *part) { return upper.find(part) != std::string::npos; };
  if (has("INT")) return Affinity::Integer;
  if (has("CHAR") || has("CLOB") || has("TEXT")) return Affinity::Text;
  if (has("BLOB") || upper.empty()) return Affinity::Number;
  return Affinity::Real;  // REAL, FLOA, DOUB, and NUMERIC affinity, which also rounds
}

TableColumn deleted_at_column() {
  return {std::string(sql::kDeletedAt), "TEXT", Affinity::Text, ColumnSource::Property};
}

TableColumn table_version_column() {
  return {std::string(sql::kTableVersion), "INTEGER", Affinity::Integer,
          ColumnSource::TableVersion};
}

std::vector<TableColumn> plan_columns(const nlohmann::json &schema,
                                      const std::vector<std::string> &property_order,
                                      bool add_metadata, const sql::TypeOptions &options) {
  std::vector<TableColumn> columns;
  for (const std::string &name : singer::property_names(schema, property_order)) {
    columns.push_back(column_for(name, schema["properties"][name], options));
  }
  if (!add_metadata) return columns;
  const std::vector<TableColumn> metadata = {
      {std::string(sql::kExtractedAt), "TEXT", Affinity::Text, ColumnSource::ExtractedAt},
      {std::string(sql::kReceivedAt), "TEXT", Affinity::Text, ColumnSource::ReceivedAt},
      {std::string(sql::kBatchedAt), "TEXT", Affinity::Text, ColumnSource::BatchedAt},
      deleted_at_column(),
      {std::string(sql::kSequence), "INTEGER", Affinity::Integer, ColumnSource::Sequence},
      table_version_column(),
  };
  for (const TableColumn &column : metadata) {
    bool declared = std::any_of(columns.begin(), columns.end(),
                                [&](const TableColumn &c) { return c.name == column.name; });
    if (!declared) columns.push_back(column);
  }
  return columns;
}

}  // namespace chorus::sqlite_target
