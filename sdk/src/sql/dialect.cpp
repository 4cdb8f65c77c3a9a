#include "chorus/sql/dialect.h"

namespace chorus::sql {

std::string Dialect::quote(std::string_view name) const {
  return quote_identifier(name, identifier_rules());
}

std::string Dialect::safe_name(std::string_view name) const {
  return safe_identifier(name, identifier_rules());
}

std::string Dialect::grantee(std::string_view entry) const {
  return grantee_prefix() + quote(entry);
}

std::string Dialect::string_literal(std::string_view text) const {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out.push_back(c);
    out.push_back(c);
  }
  return out + "'";
}

TableName Dialect::staging_table(const TableName &table) const {
  return {"", safe_name("_chorus_stage_" + table.table)};
}

std::string Dialect::qualified(const TableName &table) const {
  if (table.schema.empty()) return quote(table.table);
  return quote(table.schema) + "." + quote(table.table);
}

}  // namespace chorus::sql
