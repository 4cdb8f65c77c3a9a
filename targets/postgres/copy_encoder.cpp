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

ColumnSource source_of(const std::string &property) {
  if (property == sql::kExtractedAt) return ColumnSource::ExtractedAt;
  if (property == sql::kReceivedAt) return ColumnSource::ReceivedAt;
  if (property == sql::kBatchedAt) return ColumnSource::BatchedAt;
  if (property == sql::kSequence) return ColumnSource::Sequence;
  if (property == sql::kTableVersion) return ColumnSource::TableVersion;
  return ColumnSource::Property;  // includes _sdc_deleted_at, which the tap sends
}

}  // namespace

CopyEncoder::CopyEncoder(const sql::TablePlan &plan, bool add_record_metadata) {
  for (std::size_t i = 0; i < plan.columns.size(); ++i) {
    Slot slot{source_of(plan.property_of[i]), plan.property_of[i], plan.columns[i].type.kind, i};
    bool timestamp_meta = slot.source == ColumnSource::ExtractedAt ||
                          slot.source == ColumnSource::ReceivedAt ||
                          slot.source == ColumnSource::BatchedAt;
    if (timestamp_meta && !add_record_metadata) slot.source = ColumnSource::Property;
    slots_.push_back(std::move(slot));
  }
}

const singer::Field *CopyEncoder::field_for(Slot &slot, const singer::RecordView &record) const {
  // Records of a stream usually list their properties in the same order, so the last position
  // is checked first; the linear search is the fallback.
  if (slot.last_index < record.fields.size() &&
      record.fields[slot.last_index].name == slot.property) {
    return &record.fields[slot.last_index];
  }
  for (std::size_t i = 0; i < record.fields.size(); ++i) {
    if (record.fields[i].name == slot.property) {
      slot.last_index = i;
      return &record.fields[i];
    }
  }
  return nullptr;
}

void CopyEncoder::append_row(std::string &out, const std::string &stream,
                             const singer::RecordView &record, const RecordMeta &meta,
                             std::uint64_t line_number, std::string_view batched_at) {
  bool first = true;
  for (auto &slot : slots_) {
    if (!first) out.push_back('\t');
    first = false;
    switch (slot.source) {
      case ColumnSource::ExtractedAt:
        if (record.time_extracted.empty()) {
          pg::append_copy_null(out);
        } else {
          pg::append_copy_field(out, record.time_extracted);
        }
        continue;
      case ColumnSource::ReceivedAt:
        pg::append_copy_field(out, meta.received_at);
        continue;
      case ColumnSource::BatchedAt:
        pg::append_copy_field(out, batched_at);
        continue;
      case ColumnSource::Sequence:
        out += std::to_string(meta.sequence);
        continue;
      case ColumnSource::TableVersion:
        if (record.version) {
          out += std::to_string(*record.version);
        } else {
          pg::append_copy_null(out);
        }
        continue;
      case ColumnSource::Property:
        break;
    }
    const singer::Field *field = field_for(slot, record);
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
