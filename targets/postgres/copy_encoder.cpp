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

// Appends the bytea hex input form ("\x0a1b", with the backslash escaped for COPY) of base64
// text. Returns false on invalid base64.
bool append_base64_as_bytea(std::string &out, std::string_view text) {
  static const char kHex[] = "0123456789abcdef";
  out += "\\\\x";
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
      unsigned byte = (buffer >> bits) & 0xFF;
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0xF]);
    }
  }
  return true;
}

// The metadata field that fills the column fed by `property`, or null when the record's
// property does.
const sql::MetadataField *metadata_of(const std::string &property, bool add_record_metadata) {
  const sql::MetadataField *field = sql::metadata_field(property);
  if (field == nullptr || field->source == sql::MetadataSource::DeletedAt) return nullptr;
  const bool load_timestamp = field->source == sql::MetadataSource::ExtractedAt ||
                              field->source == sql::MetadataSource::ReceivedAt ||
                              field->source == sql::MetadataSource::BatchedAt;
  return load_timestamp && !add_record_metadata ? nullptr : field;
}

}  // namespace

CopyEncoder::CopyEncoder(const sql::TablePlan &plan, bool add_record_metadata) {
  for (std::size_t i = 0; i < plan.columns.size(); ++i) {
    slots_.push_back({metadata_of(plan.property_of[i], add_record_metadata), plan.property_of[i],
                      plan.columns[i].type.kind, i});
  }
}

void CopyEncoder::append_row(std::string &out, const std::string &stream,
                             const singer::RecordView &record, const RecordMeta &meta,
                             std::uint64_t line_number, std::string_view batched_at) {
  bool first = true;
  for (auto &slot : slots_) {
    if (!first) out.push_back('\t');
    first = false;
    if (slot.metadata != nullptr) {
      const singer::Value value =
          sql::metadata_value(slot.metadata->source, record, meta, batched_at, scratch_);
      if (value.is_null()) {
        pg::append_copy_null(out);
      } else {
        pg::append_copy_field(out, value.text);
      }
      continue;
    }
    const singer::Field *field = record.find(slot.property, slot.last_index);
    if (!field || field->value.is_null()) {
      pg::append_copy_null(out);
      continue;
    }
    const singer::Value &value = field->value;
    if (slot.kind == sql::TypeKind::Json) {
      // jsonb wants JSON text: strings need their quotes back.
      scratch_.clear();
      singer::append_json_value(scratch_, value);
      pg::append_copy_field(out, scratch_);
    } else if (slot.kind == sql::TypeKind::Bytes && value.kind == singer::ValueKind::String) {
      if (!append_base64_as_bytea(out, value.text)) {
        throw FatalError("target-postgres: stream '" + stream + "', line " +
                         std::to_string(line_number) + ": property '" + slot.property +
                         "' is not valid base64; fix the tap or declare the property as a plain "
                         "string");
      }
    } else {
      pg::append_copy_field(out, value.text);
    }
  }
  out.push_back('\n');
}

}  // namespace chorus::target_postgres
