#include "chorus/warehouse/record_rows.h"

namespace chorus::warehouse {

RecordRowWriter::RecordRowWriter(std::vector<std::string> sources, std::string batched_at)
    : sources_(std::move(sources)), batched_at_(std::move(batched_at)) {
  for (const std::string &name : sources_) metadata_.push_back(sql::metadata_field(name));
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

void RecordRowWriter::write(s3::StagingWriter &writer, const singer::RecordView &record,
                            const RecordMeta &meta) const {
  for (std::size_t i = 0; i < sources_.size(); ++i) {
    if (const singer::Field *field = find_field(record, i)) {
      writer.add_value(field->value);
    } else if (metadata_[i] != nullptr) {
      writer.add_value(
          sql::metadata_value(metadata_[i]->source, record, meta, batched_at_, scratch_));
    } else {
      writer.add_null();
    }
  }
  writer.end_row();
}

}  // namespace chorus::warehouse
