// Maps the fields of a record to column positions, for targets that write rows (CSV, SQL),
// remembering the last record's field order: a stream's records nearly always list their fields
// in the same order, so the common case is a name comparison per field and no lookup or
// allocation.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "chorus/singer/message.h"

namespace chorus::singer {

class FieldPositions {
 public:
  static constexpr std::size_t kIgnored = static_cast<std::size_t>(-1);

  explicit FieldPositions(const std::vector<std::string> &columns);

  // positions[i] is the column of record.fields[i], or kIgnored for a field that is not a
  // column. Valid until the next call.
  const std::vector<std::size_t> &of(const singer::RecordView &record);

  // Names of fields seen that are not columns (each once), for a warning.
  const std::vector<std::string> &unknown_fields() const { return unknown_; }

 private:
  std::unordered_map<std::string, std::size_t> index_;
  std::vector<std::string> last_names_;
  std::vector<std::size_t> positions_;
  std::vector<std::string> unknown_;
};

// `names` reordered to follow the fields of `record` (the order the tap wrote them in; a schema
// parsed into JSON has lost it), with names the record lacks after them in their given order.
std::vector<std::string> in_record_order(const std::vector<std::string> &names,
                                         const singer::RecordView &record);

}  // namespace chorus::singer
