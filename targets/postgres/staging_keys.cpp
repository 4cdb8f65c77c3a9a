#include "staging_keys.h"

namespace chorus::target_postgres {
namespace {

bool canonical_integer(std::string_view text) {
  bool negative = !text.empty() && text.front() == '-';
  if (negative) text.remove_prefix(1);
  if (text.empty() || text.size() > 19) return false;
  if (text.front() == '0') return text.size() == 1 && !negative;  // "-0" would equal "0"
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

bool keys_unique_for_database(const singer::RecordBatch &batch, const sql::TablePlan &plan,
                              const std::vector<std::string> &key_properties) {
  if (key_properties.empty() || key_properties.size() != plan.key_columns.size()) return false;
  for (const auto &key : key_properties) {
    bool integer_column = false;
    for (std::size_t i = 0; i < plan.columns.size(); ++i) {
      if (plan.property_of[i] == key) {
        integer_column = plan.columns[i].type.kind == sql::TypeKind::Integer;
      }
    }
    if (!integer_column) return false;
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    for (const auto &key : key_properties) {
      const singer::Field *field = batch[i].find(key);
      if (!field || field->value.is_null() || !canonical_integer(field->value.text)) return false;
    }
  }
  return batch.last_per_key(key_properties).size() == batch.size();
}

}  // namespace chorus::target_postgres
