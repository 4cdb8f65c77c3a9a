#include "staging_keys.h"

#include <cstdint>
#include <optional>

#include "chorus/singer/json_number.h"

namespace chorus::target_postgres {
namespace {

// True when every key of `plan` that `key_properties` names is an integer column.
bool integer_keys(const sql::TablePlan &plan, const std::vector<std::string> &key_properties) {
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
  return true;
}

}  // namespace

BatchFacts facts_of(const singer::RecordBatch &batch, const sql::TablePlan &plan,
                    const std::vector<std::string> &key_properties) {
  BatchFacts facts;
  facts.has_deletions = batch.marked() > 0;
  bool canonical = integer_keys(plan, key_properties);
  bool rising = canonical && key_properties.size() == 1;
  std::int64_t previous = 0;
  std::vector<std::size_t> positions(key_properties.size(), 0);  // each key's last position
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const singer::RecordView &record = batch[i];
    for (std::size_t k = 0; canonical && k < key_properties.size(); ++k) {
      const singer::Field *field = record.find(key_properties[k], positions[k]);
      const std::optional<std::int64_t> value = field && !field->value.is_null()
                                                    ? singer::canonical_integer(field->value.text)
                                                    : std::nullopt;
      canonical = value.has_value();
      if (!canonical || !rising) continue;
      rising = i == 0 || *value > previous;
      previous = *value;
    }
  }
  facts.keys_unique =
      canonical && (rising || batch.last_per_key(key_properties).size() == batch.size());
  return facts;
}

}  // namespace chorus::target_postgres
