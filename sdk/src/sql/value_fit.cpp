#include "chorus/sql/value_fit.h"

#include <algorithm>

#include "chorus/plugin/errors.h"
#include "chorus/singer/decimal.h"
#include "chorus/singer/field_positions.h"
#include "chorus/singer/writer.h"

namespace chorus::sql {
namespace {

constexpr int kScaleWithoutData = 9;

bool is_new_column(const TablePlan &plan, const std::string &name) {
  if (plan.create_table) return true;
  return std::any_of(plan.add.begin(), plan.add.end(),
                     [&](const Column &column) { return column.name == name; });
}

// The value as JSON text (so that control characters show as escapes), cut after 80 bytes.
std::string shown(const singer::Value &value) {
  constexpr std::size_t kMaxShown = 80;
  std::size_t end = std::min(kMaxShown, value.text.size());
  while (end < value.text.size() && end > 0 &&
         (static_cast<unsigned char>(value.text[end]) & 0xC0) == 0x80) {
    --end;  // not inside a UTF-8 sequence
  }
  singer::Value cut = value;
  cut.text = value.text.substr(0, end);
  std::string text;
  singer::append_json_value(text, cut);
  if (end < value.text.size()) text += "... (" + std::to_string(value.text.size()) + " bytes)";
  return text;
}

}  // namespace

void size_decimals_from_data(const Dialect &dialect, TablePlan &plan,
                             const singer::RecordBatch *batch) {
  const int limit = dialect.max_decimal_precision();
  if (limit <= 0) return;
  for (std::size_t i = 0; i < plan.columns.size(); ++i) {
    Column &column = plan.columns[i];
    if (column.type.kind != TypeKind::Decimal || column.type.precision > 0) continue;
    if (!is_new_column(plan, column.name)) continue;
    std::int64_t scale = column.type.scale;
    std::int64_t whole = 0;
    bool seen = false;
    if (batch != nullptr) {
      for (const singer::RecordView &record : *batch) {
        const singer::Field *field = record.find(plan.property_of[i]);
        if (field == nullptr || field->value.is_null()) continue;
        const auto number = singer::parse_decimal(field->value.text);
        if (!number) continue;
        seen = true;
        scale = std::max(scale, number->scale());
        whole = std::max(whole, number->integer_digits());
      }
    }
    if (!seen) scale = std::max<std::int64_t>(scale, kScaleWithoutData);
    scale = std::min<std::int64_t>(scale, limit - std::min<std::int64_t>(whole, limit));
    column.type.precision = limit;
    column.type.scale = static_cast<int>(scale);
    for (Column &added : plan.add) {
      if (added.name == column.name) added.type = column.type;
    }
  }
}

void check_values_fit(const Dialect &dialect, const TablePlan &plan,
                      const singer::RecordBatch &batch, std::string_view plugin,
                      std::string_view stream) {
  // Per column: is it checked by the dialect, and which key (if any) it is.
  constexpr std::size_t kNotKey = static_cast<std::size_t>(-1);
  std::vector<bool> checked(plan.columns.size());
  std::vector<std::size_t> key_of(plan.columns.size(), kNotKey);
  std::vector<std::size_t> key_columns;
  bool any = false;
  for (std::size_t i = 0; i < plan.columns.size(); ++i) {
    checked[i] = dialect.checks_values(plan.columns[i].type);
    if (std::find(plan.key_columns.begin(), plan.key_columns.end(), plan.columns[i].name) !=
        plan.key_columns.end()) {
      key_of[i] = key_columns.size();
      key_columns.push_back(i);
    }
    any = any || checked[i] || key_of[i] != kNotKey;
  }
  if (!any) return;
  const auto where = [&](std::size_t row) {
    return std::string(plugin) + ": stream '" + std::string(stream) + "', line " +
           std::to_string(batch.line_number(row));
  };
  // One pass over each record's fields (their positions remembered between records), not a
  // search per column.
  singer::FieldPositions positions(plan.property_of);
  std::vector<bool> key_seen(key_columns.size());
  for (std::size_t r = 0; r < batch.size(); ++r) {
    const singer::RecordView &record = batch[r];
    const std::vector<std::size_t> &columns = positions.of(record);
    std::fill(key_seen.begin(), key_seen.end(), false);
    for (std::size_t f = 0; f < columns.size(); ++f) {
      const std::size_t i = columns[f];
      if (i == singer::FieldPositions::kIgnored) continue;
      const singer::Value &value = record.fields[f].value;
      if (value.is_null()) continue;
      if (key_of[i] != kNotKey) key_seen[key_of[i]] = true;
      if (!checked[i]) continue;
      const std::string reason = dialect.refusal(plan.columns[i].type, value);
      if (reason.empty()) continue;
      throw FatalError(where(r) + ": property '" + plan.property_of[i] + "' value " + shown(value) +
                       " cannot be stored exactly: " + reason +
                       "; nothing of this batch was loaded. Fix the value at the source, or "
                       "give the property a type or size in the schema that holds it (or "
                       "widen column '" +
                       plan.columns[i].name + "' yourself), then run again");
    }
    for (std::size_t k = 0; k < key_columns.size(); ++k) {
      if (key_seen[k]) continue;
      throw FatalError(where(r) + ": the record has no value for key property '" +
                       plan.property_of[key_columns[k]] +
                       "'; every record of a stream with key properties needs them");
    }
  }
}

}  // namespace chorus::sql
