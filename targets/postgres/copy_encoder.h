// Turns Singer records into COPY text rows for the columns of a table plan.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "chorus/plugin/target.h"
#include "chorus/singer/message.h"
#include "chorus/sql/metadata_columns.h"
#include "chorus/sql/table_plan.h"

namespace chorus::target_postgres {

class CopyEncoder {
 public:
  // A column fed by an _sdc_ metadata field gets its value as chorus/sql/metadata_columns.h
  // says, except _sdc_deleted_at, which is the record's property as the tap sent it.
  // `add_record_metadata` false leaves _sdc_extracted_at/_received_at/_batched_at to the
  // record's properties (NULL without them); _sdc_sequence and _sdc_table_version are always
  // filled because loading depends on them.
  CopyEncoder(const sql::TablePlan &plan, bool add_record_metadata);

  // Appends one COPY text line (with '\n') for `record`. `batched_at` is RFC 3339.
  // Throws chorus::FatalError naming the stream, line and property for a value the column type
  // cannot take (e.g. invalid base64 for a bytea column).
  void append_row(std::string &out, const std::string &stream, const singer::RecordView &record,
                  const RecordMeta &meta, std::uint64_t line_number, std::string_view batched_at);

 private:
  struct Slot {
    const sql::MetadataField *metadata;  // null: the record's property
    std::string property;
    sql::TypeKind kind;
    std::size_t last_index = 0;  // where the property sat in the previous record
  };
  std::vector<Slot> slots_;
  std::string scratch_;
};

}  // namespace chorus::target_postgres
