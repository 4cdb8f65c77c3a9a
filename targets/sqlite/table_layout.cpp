#include "table_layout.h"

#include <algorithm>
#include <cctype>

#include "chorus/singer/message.h"
#include "chorus/sql/logical_type.h"
#include "chorus/sql/metadata_columns.h"

namespace chorus::target_sqlite {
namespace {

TableColumn column_of_type(const std::string &name, const sql::LogicalType &type) {
  switch (type.kind) {
    case sql::TypeKind::Integer:
      return {name, "INTEGER", Affinity::Integer};
    case sql::TypeKind::Float:
      return {name, "REAL", Affinity::Real};
    case sql::TypeKind::Decimal:
      return {name, "", Affinity::Number};
    case sql::TypeKind::Boolean:
      return {name, "BOOLEAN", Affinity::Boolean};
    default:
      return {name, "TEXT", Affinity::Text};
  }
}

TableColumn metadata_column(const sql::MetadataField &field) {
  TableColumn column = column_of_type(std::string(field.name), field.type);
  if (sql::filled_by_target(field)) column.metadata = &field;
  return column;
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

TableColumn deleted_at_column() { return metadata_column(*sql::metadata_field(sql::kDeletedAt)); }

TableColumn table_version_column() {
  return metadata_column(*sql::metadata_field(sql::kTableVersion));
}

std::vector<TableColumn> plan_columns(const nlohmann::json &schema,
                                      const std::vector<std::string> &property_order,
                                      bool add_metadata, const sql::TypeOptions &options) {
  std::vector<TableColumn> columns;
  for (const std::string &name : singer::property_names(schema, property_order)) {
    columns.push_back(
        column_of_type(name, sql::logical_type_of(schema["properties"][name], options)));
  }
  if (!add_metadata) return columns;
  for (const sql::MetadataField &field : sql::metadata_fields()) {
    bool declared = std::any_of(columns.begin(), columns.end(),
                                [&](const TableColumn &c) { return c.name == field.name; });
    if (!declared) columns.push_back(metadata_column(field));
  }
  return columns;
}

}  // namespace chorus::target_sqlite
