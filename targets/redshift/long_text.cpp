#include "long_text.h"

#include <vector>

#include "chorus/plugin/errors.h"
#include "chorus/singer/field_positions.h"
#include "redshift_dialect.h"
#include "redshift_settings.h"

namespace chorus::target_redshift {

LongText long_text_of(const nlohmann::json &config) {
  const std::string value = kLongText.read(config);
  if (value == "refuse") return LongText::Refuse;
  if (value == "truncate") return LongText::Truncate;
  throw ConfigError("target-redshift: long_text must be \"refuse\" or \"truncate\", not \"" +
                    value + "\"");
}

std::size_t utf8_prefix_length(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text.size();
  std::size_t end = max_bytes;
  // text[end] is the first byte left out: step back while it continues a sequence.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return end;
}

LongTextCutter::LongTextCutter(std::string plugin, std::string stream, Warn warn)
    : plugin_(std::move(plugin)), stream_(std::move(stream)), warn_(std::move(warn)) {}

const singer::RecordBatch &LongTextCutter::cut(const sql::TablePlan &plan,
                                               const singer::RecordBatch &batch) {
  // The byte size of each Text column; 0 for the others, which are left alone.
  std::vector<std::size_t> limit(plan.columns.size(), 0);
  bool any_text = false;
  for (std::size_t i = 0; i < plan.columns.size(); ++i) {
    if (plan.columns[i].type.kind != sql::TypeKind::Text) continue;
    limit[i] = RedshiftDialect::varchar_bytes(plan.columns[i].type);
    any_text = true;
  }
  if (!any_text) return batch;
  singer::FieldPositions positions(plan.property_of);
  bool copying = false;  // records before the first cut one are copied when it is found
  for (std::size_t r = 0; r < batch.size(); ++r) {
    const singer::RecordView &record = batch[r];
    const std::vector<std::size_t> &columns = positions.of(record);
    singer::RecordView changed;
    bool record_cut = false;
    for (std::size_t f = 0; f < columns.size(); ++f) {
      const std::size_t i = columns[f];
      if (i == singer::FieldPositions::kIgnored || limit[i] == 0) continue;
      const singer::Value &value = record.fields[f].value;
      if (value.kind != singer::ValueKind::String || value.text.size() <= limit[i]) continue;
      if (!record_cut) {
        changed = record;
        record_cut = true;
      }
      const std::size_t kept = utf8_prefix_length(value.text, limit[i]);
      changed.fields[f].value.text = value.text.substr(0, kept);
      const std::string &property = plan.property_of[i];
      if (warned_.insert(property).second) {
        warn_(plugin_ + ": stream '" + stream_ + "', line " + std::to_string(batch.line_number(r)) +
              ": property '" + property + "' value of " + std::to_string(value.text.size()) +
              " bytes is longer than its column (VARCHAR(" + std::to_string(limit[i]) +
              ")) holds; cut to its first " + std::to_string(kept) +
              " bytes, at a UTF-8 character boundary (long_text: truncate). Later values of "
              "this property that are too long are cut without another warning");
      }
    }
    if (record_cut && !copying) {
      cut_.clear();
      for (std::size_t before = 0; before < r; ++before) {
        cut_.append(batch[before], batch.line_number(before));
      }
      copying = true;
    }
    if (copying) cut_.append(record_cut ? changed : record, batch.line_number(r));
  }
  return copying ? cut_ : batch;
}

}  // namespace chorus::target_redshift
