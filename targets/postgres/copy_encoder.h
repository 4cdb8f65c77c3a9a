// Turns Singer records into COPY rows, text or binary, for the columns of a table plan.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chorus/pg/copy_binary.h"
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
  // filled because loading depends on them. `binary_types` are the columns' binary field
  // types, in plan order, when the table's columns all take binary fields (else empty: the
  // encoder writes text only).
  CopyEncoder(const sql::TablePlan &plan, bool add_record_metadata,
              std::vector<pg::binary::FieldType> binary_types);

  bool can_write_binary() const { return !binary_types_.empty(); }

  // Appends one COPY text line (with '\n') for `record`. `batched_at` is RFC 3339.
  // Throws chorus::FatalError naming the stream, line and property for a value the column type
  // cannot take (e.g. invalid base64 for a bytea column).
  void append_row(std::string &out, const std::string &stream, const singer::RecordView &record,
                  const RecordMeta &meta, std::uint64_t line_number, std::string_view batched_at);
  // The same as one binary COPY tuple; appends nothing and returns false when a value has a
  // form the binary encoders leave to the server's text parser (chorus/pg/copy_binary.h).
  // Only when can_write_binary().
  bool append_binary_row(std::string &out, const std::string &stream,
                         const singer::RecordView &record, const RecordMeta &meta,
                         std::uint64_t line_number, std::string_view batched_at);

 private:
  struct Slot {
    const sql::MetadataField *metadata;  // null: the record's property
    std::string property;
    sql::TypeKind kind;
    std::size_t last_index = 0;  // where the property sat in the previous record
    // A load timestamp (_sdc_extracted_at, ...) repeats across a batch's rows: its last text
    // and binary field, so a repeat is a copy instead of a parse.
    std::string repeated_text;
    std::string repeated_field;
  };
  // What one column gets from one record: NULL, the text the column type's input function
  // reads, or (bytea from base64) the raw bytes.
  struct ColumnValue {
    enum class Form { Null, Text, Bytes } form;
    std::string_view data;
  };
  // May use scratch_, so its view lasts until the next call.
  ColumnValue value_for(Slot &slot, const std::string &stream, const singer::RecordView &record,
                        const RecordMeta &meta, std::uint64_t line_number,
                        std::string_view batched_at);

  bool append_repeated_timestamp(std::string &out, Slot &slot, std::string_view text);

  std::vector<Slot> slots_;
  std::vector<pg::binary::FieldType> binary_types_;
  std::string scratch_;
};

}  // namespace chorus::target_postgres
