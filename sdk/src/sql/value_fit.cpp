#include "chorus/sql/value_fit.h"

#include <algorithm>

#include "chorus/plugin/errors.h"
#include "chorus/singer/decimal.h"
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
  std::vector<std::size_t> checked, keys;
  for (std::size_t i = 0; i < plan.columns.size(); ++i) {
    if (dialect.checks_values(plan.columns[i].type)) checked.push_back(i);
    if (std::find(plan.key_columns.begin(), plan.key_columns.end(), plan.columns[i].name) !=
        plan.key_columns.end()) {
      keys.push_back(i);
    }
  }
  if (checked.empty() && keys.empty()) return;
  for (std::size_t r = 0; r < batch.size(); ++r) {
    const singer::RecordView &record = batch[r];
    for (std::size_t i : keys) {
      const singer::Field *field = record.find(plan.property_of[i]);
      if (field != nullptr && !field->value.is_null()) continue;
      throw FatalError(std::string(plugin) + ": stream '" + std::string(stream) + "', line " +
                       std::to_string(batch.line_number(r)) +
                       ": the record has no value for "
                       "key property '" +
                       plan.property_of[i] +
                       "'; every record of a stream with key properties needs them");
    }
    for (std::size_t i : checked) {
      const singer::Field *field = record.find(plan.property_of[i]);
      if (field == nullptr || field->value.is_null()) continue;
      const std::string reason = dialect.refusal(plan.columns[i].type, field->value);
      if (reason.empty()) continue;
      throw FatalError(std::string(plugin) + ": stream '" + std::string(stream) + "', line " +
                       std::to_string(batch.line_number(r)) + ": property '" + plan.property_of[i] +
                       "' value " + shown(field->value) + " cannot be stored exactly: " + reason +
                       "; nothing of this batch was loaded. Declare the property's size in "
                       "the schema (x-singer.decimal, maxLength) or widen column '" +
                       plan.columns[i].name + "' yourself, then run again");
    }
  }
}

}  // namespace chorus::sql
