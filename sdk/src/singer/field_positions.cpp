#include "chorus/singer/field_positions.h"

#include <algorithm>

#include "singer/word_scan.h"

namespace chorus::singer {

FieldPositions::FieldPositions(const std::vector<std::string> &columns) {
  for (std::size_t i = 0; i < columns.size(); ++i) index_.emplace(columns[i], i);
}

const std::vector<std::size_t> &FieldPositions::of(const singer::RecordView &record) {
  const auto &fields = record.fields;
  bool same = fields.size() == last_names_.size();
  for (std::size_t i = 0; same && i < fields.size(); ++i) {
    same = word_scan::same_text(fields[i].name, last_names_[i]);
  }
  if (same) return positions_;

  last_names_.resize(fields.size());
  positions_.resize(fields.size());
  for (std::size_t i = 0; i < fields.size(); ++i) {
    last_names_[i].assign(fields[i].name);
    auto found = index_.find(last_names_[i]);
    if (found != index_.end()) {
      positions_[i] = found->second;
    } else {
      positions_[i] = kIgnored;
      if (std::find(unknown_.begin(), unknown_.end(), last_names_[i]) == unknown_.end()) {
        unknown_.push_back(last_names_[i]);
      }
    }
  }
  return positions_;
}

std::vector<std::string> in_record_order(const std::vector<std::string> &names,
                                         const singer::RecordView &record) {
  std::vector<std::string> ordered;
  std::vector<bool> taken(names.size(), false);
  for (const singer::Field &field : record.fields) {
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (!taken[i] && names[i] == field.name) {
        taken[i] = true;
        ordered.push_back(names[i]);
        break;
      }
    }
  }
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (!taken[i]) ordered.push_back(names[i]);
  }
  return ordered;
}

}  // namespace chorus::singer
