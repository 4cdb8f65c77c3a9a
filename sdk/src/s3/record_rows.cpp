#include "chorus/s3/record_rows.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace chorus::s3 {

RecordRowWriter::RecordRowWriter(std::vector<std::string> sources, std::string batched_at)
    : sources_(std::move(sources)), batched_at_(std::move(batched_at)) {
  for (const std::string &name : sources_) {
    Source kind = Source::Property;
    if (name == "_sdc_extracted_at") kind = Source::ExtractedAt;
    if (name == "_sdc_received_at") kind = Source::ReceivedAt;
    if (name == "_sdc_batched_at") kind = Source::BatchedAt;
    if (name == "_sdc_sequence") kind = Source::Sequence;
    if (name == "_sdc_table_version") kind = Source::TableVersion;
    kinds_.push_back(kind);
  }
  hints_.assign(sources_.size(), 0);
}

// A tap writes its records' properties in the same order every time, so the position where a
// column's property was found last is almost always right, and one comparison replaces a scan.
const singer::Field *RecordRowWriter::find_field(const singer::RecordView &record,
                                                 std::size_t column) const {
  std::size_t &hint = hints_[column];
  const std::vector<singer::Field> &fields = record.fields;
  if (hint < fields.size() && fields[hint].name == sources_[column]) return &fields[hint];
  const singer::Field *field = record.find(sources_[column]);
  if (field) hint = static_cast<std::size_t>(field - fields.data());
  return field;
}

void RecordRowWriter::write(StagingWriter &writer, const singer::RecordView &record,
                            const RecordMeta &meta) const {
  char number[24];
  for (std::size_t i = 0; i < sources_.size(); ++i) {
    if (const singer::Field *field = find_field(record, i)) {
      writer.add_value(field->value);
      continue;
    }
    switch (kinds_[i]) {
      case Source::Property:
        writer.add_null();
        break;
      case Source::ExtractedAt:
        if (record.time_extracted.empty())
          writer.add_null();
        else
          writer.add_string(record.time_extracted);
        break;
      case Source::ReceivedAt:
        if (meta.received_at.empty())
          writer.add_null();
        else
          writer.add_string(meta.received_at);
        break;
      case Source::BatchedAt:
        writer.add_string(batched_at_);
        break;
      case Source::Sequence:
        std::snprintf(number, sizeof number, "%lld", static_cast<long long>(meta.sequence));
        writer.add_raw(number);
        break;
      case Source::TableVersion:
        if (!record.version) {
          writer.add_null();
        } else {
          std::snprintf(number, sizeof number, "%lld", static_cast<long long>(*record.version));
          writer.add_raw(number);
        }
        break;
    }
  }
  writer.end_row();
}

}  // namespace chorus::s3
