#include "copy_encoder.h"

#include "chorus/pg/copy_text.h"
#include "chorus/plugin/errors.h"
#include "chorus/singer/writer.h"
#include "chorus/sql/metadata_columns.h"

namespace chorus::target_postgres {
namespace {

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

// Decodes base64 (standard or URL-safe alphabet, padding and line breaks skipped) into `out`.
// Returns false on invalid base64.
bool decode_base64(std::string &out, std::string_view text) {
  out.clear();
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=' || c == '\n' || c == '\r') continue;
    int v = base64_value(c);
    if (v < 0) return false;
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return true;
}

// Appends bytea's hex input form ("\x0a1b"), with the backslash escaped for COPY text.
void append_bytea_hex(std::string &out, std::string_view bytes) {
  static const char kHex[] = "0123456789abcdef";
  out += "\\\\x";
  for (char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    out.push_back(kHex[byte >> 4]);
    out.push_back(kHex[byte & 0xF]);
  }
}

// The metadata field that fills the column fed by `property`, or null when the record's
// property does.
const sql::MetadataField *metadata_of(const std::string &property, bool add_record_metadata) {
  const sql::MetadataField *field = sql::metadata_field(property);
  if (field == nullptr || !sql::filled_by_target(*field)) return nullptr;
  const bool load_timestamp = field->source == sql::MetadataSource::ExtractedAt ||
                              field->source == sql::MetadataSource::ReceivedAt ||
                              field->source == sql::MetadataSource::BatchedAt;
  return load_timestamp && !add_record_metadata ? nullptr : field;
}

}  // namespace

CopyEncoder::CopyEncoder(const sql::TablePlan &plan, bool add_record_metadata,
                         std::vector<pg::binary::FieldType> binary_types)
    : binary_types_(std::move(binary_types)) {
  for (std::size_t i = 0; i < plan.columns.size(); ++i) {
    slots_.push_back({metadata_of(plan.property_of[i], add_record_metadata), plan.property_of[i],
                      plan.columns[i].type.kind, i});
  }
  if (binary_types_.size() != slots_.size()) binary_types_.clear();
}

CopyEncoder::ColumnValue CopyEncoder::value_for(Slot &slot, const std::string &stream,
                                                const singer::RecordView &record,
                                                const RecordMeta &meta, std::uint64_t line_number,
                                                std::string_view batched_at) {
  using Form = ColumnValue::Form;
  if (slot.metadata != nullptr) {
    const singer::Value value =
        sql::metadata_value(slot.metadata->source, record, meta, batched_at, scratch_);
    if (value.is_null()) return {Form::Null, {}};
    return {Form::Text, value.text};
  }
  const singer::Field *field = record.find(slot.property, slot.last_index);
  if (!field || field->value.is_null()) return {Form::Null, {}};
  const singer::Value &value = field->value;
  if (slot.kind == sql::TypeKind::Json) {
    // jsonb wants JSON text: strings need their quotes back.
    scratch_.clear();
    singer::append_json_value(scratch_, value);
    return {Form::Text, scratch_};
  }
  if (slot.kind == sql::TypeKind::Bytes && value.kind == singer::ValueKind::String) {
    if (!decode_base64(scratch_, value.text)) {
      throw FatalError("target-postgres: stream '" + stream + "', line " +
                       std::to_string(line_number) + ": property '" + slot.property +
                       "' is not valid base64; fix the tap or declare the property as a plain "
                       "string");
    }
    return {Form::Bytes, scratch_};
  }
  return {Form::Text, value.text};
}

void CopyEncoder::append_row(std::string &out, const std::string &stream,
                             const singer::RecordView &record, const RecordMeta &meta,
                             std::uint64_t line_number, std::string_view batched_at) {
  bool first = true;
  for (auto &slot : slots_) {
    if (!first) out.push_back('\t');
    first = false;
    const ColumnValue value = value_for(slot, stream, record, meta, line_number, batched_at);
    switch (value.form) {
      case ColumnValue::Form::Null:
        pg::append_copy_null(out);
        break;
      case ColumnValue::Form::Text:
        pg::append_copy_field(out, value.data);
        break;
      case ColumnValue::Form::Bytes:
        append_bytea_hex(out, value.data);
        break;
    }
  }
  out.push_back('\n');
}

bool CopyEncoder::append_repeated_timestamp(std::string &out, Slot &slot, std::string_view text) {
  if (text == slot.repeated_text && !slot.repeated_field.empty()) {
    out += slot.repeated_field;
    return true;
  }
  const std::size_t field_start = out.size();
  if (!pg::binary::append_field(out, pg::binary::FieldType::TimestampTz, text)) return false;
  slot.repeated_text.assign(text);
  slot.repeated_field.assign(out, field_start, std::string::npos);
  return true;
}

bool CopyEncoder::append_binary_row(std::string &out, const std::string &stream,
                                    const singer::RecordView &record, const RecordMeta &meta,
                                    std::uint64_t line_number, std::string_view batched_at) {
  const std::size_t row_start = out.size();
  pg::binary::append_tuple_start(out, static_cast<std::uint16_t>(slots_.size()));
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    const pg::binary::FieldType type = binary_types_[i];
    if (slots_[i].metadata != nullptr && type == pg::binary::FieldType::Int8) {
      // _sdc_sequence and _sdc_table_version: numbers to begin with, not worth a trip via text.
      const std::optional<std::int64_t> number =
          sql::metadata_integer(slots_[i].metadata->source, record, meta);
      if (number) {
        pg::binary::append_int8(out, *number);
        continue;
      }
    }
    const ColumnValue value = value_for(slots_[i], stream, record, meta, line_number, batched_at);
    bool written = true;
    if (value.form == ColumnValue::Form::Null) {
      pg::binary::append_null(out);
    } else if ((value.form == ColumnValue::Form::Bytes) != (type == pg::binary::FieldType::Bytea)) {
      written = false;  // bytea's text input forms ("\x..", escapes) are left to the server
    } else if (slots_[i].metadata != nullptr && type == pg::binary::FieldType::TimestampTz) {
      written = append_repeated_timestamp(out, slots_[i], value.data);
    } else {
      written = pg::binary::append_field(out, type, value.data);
    }
    if (!written) {
      out.resize(row_start);
      return false;
    }
  }
  return true;
}

}  // namespace chorus::target_postgres
