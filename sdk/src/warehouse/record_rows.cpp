#include "chorus/warehouse/record_rows.h"

namespace chorus::warehouse {

RecordRowWriter::RecordRowWriter(std::vector<std::string> sources, std::string batched_at)
    : sources_(std::move(sources)), batched_at_(std::move(batched_at)) {
  for (const std::string &name : sources_) metadata_.push_back(sql::metadata_field(name));
  hints_.assign(sources_.size(), 0);
}

void RecordRowWriter::write(s3::StagingWriter &writer, const singer::RecordView &record,
                            const RecordMeta &meta) const {
  for (std::size_t i = 0; i < sources_.size(); ++i) {
    // A tap writes its properties in the same order every time: the position a column's
    // property had last time is almost always right.
    if (const singer::Field *field = record.find(sources_[i], hints_[i])) {
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

s3::StagedBatch stage_batch(s3::Client &client, s3::StagingOptions options,
                            const RecordRowWriter &rows, const singer::RecordBatch &batch,
                            const std::vector<RecordMeta> &metas) {
  options.expected_rows = batch.size();
  s3::StagingWriter writer(client, options);
  for (std::size_t i = 0; i < batch.size(); ++i) rows.write(writer, batch[i], metas[i]);
  return writer.finish();
}

}  // namespace chorus::warehouse
