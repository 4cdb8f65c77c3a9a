// Turns Singer records into COPY text rows for the columns of a table plan.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "chorus/plugin/target.h"
#include "chorus/singer/message.h"
#include "chorus/sql/table_plan.h"

namespace chorus::target_postgres {

// What feeds a column: a record property, or one of the _sdc_ metadata values.
enum class ColumnSource { Property, ExtractedAt, ReceivedAt, BatchedAt, Sequence, TableVersion };

class CopyEncoder {
 public:
  // `add_record_metadata` false leaves _sdc_extracted_at/_received_at/_batched_at NULL;
  // _sdc_sequence and _sdc_table_version are always filled because loading depends on them.
  CopyEncoder(const sql::TablePlan &plan, bool add_record_metadata);

  // Appends one COPY text line (with '\n') for `record`. `batched_at` is RFC 3339.
  // Throws chorus::FatalError naming the stream, line and property for a value the column type
  // cannot take (e.g. invalid base64 for a bytea column).
  void append_row(std::string &out, const std::string &stream, const singer::RecordView &record,
                  const RecordMeta &meta, std::uint64_t line_number, std::string_view batched_at);

 private:
  struct Slot {
    ColumnSource source;
    std::string property;
    sql::TypeKind kind;
    std::size_t last_index = 0;  // where the property sat in the previous record
  };
  const singer::Field *field_for(Slot &slot, const singer::RecordView &record) const;
  std::vector<Slot> slots_;
  std::string scratch_;
};

}  // namespace chorus::target_postgres
