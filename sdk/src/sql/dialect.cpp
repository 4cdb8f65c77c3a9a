#include "chorus/sql/dialect.h"

namespace chorus::sql {

std::string Dialect::quote(std::string_view name) const {
  return quote_identifier(name, identifier_rules());
}

std::string Dialect::safe_name(std::string_view name) const {
  return safe_identifier(name, identifier_rules());
}

std::string Dialect::qualified(const TableName &table) const {
  if (table.schema.empty()) return quote(table.table);
  return quote(table.schema) + "." + quote(table.table);
}

}  // namespace chorus::sql
