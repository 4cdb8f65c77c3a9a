// BatchSink: keeps records in a RecordBatch until the target drains it.
#include <cstdint>
#include <string>

#include "chorus/plugin/target.h"
#include "chorus/plugin/target_settings.h"
// Only the header-only name constants: this library does not link chorus::sql.
#include "chorus/sql/metadata_columns.h"
#include "plugin/kept_records.h"

namespace chorus {

struct BatchSink::Buffer : KeptRecords {};

BatchSink::BatchSink(StreamInfo info, const nlohmann::json &target_config,
                     const PluginContext &context)
    : Sink(std::move(info), target_config, context),
      buffers_{std::make_unique<Buffer>(), std::make_unique<Buffer>()},
      max_rows_(
          target_settings::positive_or_default(target_settings::kBatchSizeRows, target_config)),
      max_bytes_(
          target_settings::positive_or_default(target_settings::kBatchSizeBytes, target_config)) {}

BatchSink::~BatchSink() = default;

void BatchSink::fill_deletions_from_batch() {
  fill_deletions_ = true;
  for (auto &buffer : buffers_) buffer->batch.count_marked(std::string(sql::kDeletedAt));
}

void BatchSink::process_record(const singer::RecordView &record, const RecordMeta &meta) {
  buffers_[filling_]->add(record, meta);
}

bool BatchSink::is_full() const {
  const Buffer &buffer = *buffers_[filling_];
  return buffer.batch.size() >= max_rows_ || buffer.batch.bytes() >= max_bytes_;
}

void BatchSink::drain() {
  Buffer &buffer = *buffers_[filling_];
  if (buffer.batch.empty()) return;
  if (fill_deletions_) buffer.batch.fill_deletions(info().key_properties, sql::kDeletedAt);
  process_batch(buffer.batch, buffer.metas);
  buffer.clear();
}

std::function<void()> BatchSink::detach_batch() {
  Buffer *loading = buffers_[filling_].get();
  if (!background_ || loading->batch.empty()) return {};
  if (fill_deletions_) loading->batch.fill_deletions(info().key_properties, sql::kDeletedAt);
  filling_ ^= 1;
  return [this, loading] {
    process_batch(loading->batch, loading->metas);
    loading->clear();
  };
}
}  // namespace chorus
