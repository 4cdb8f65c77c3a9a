// BatchSink: keeps records in a RecordBatch until the target drains it.
#include <cstdint>

#include "chorus/plugin/target.h"

namespace chorus {
namespace {

std::size_t positive_setting(const nlohmann::json &config, const char *key, std::int64_t fallback) {
  const auto it = config.find(key);
  const std::int64_t value =
      it != config.end() && it->is_number() ? it->get<std::int64_t>() : fallback;
  return static_cast<std::size_t>(value > 0 ? value : fallback);
}

}  // namespace

BatchSink::BatchSink(StreamInfo info, const nlohmann::json &target_config,
                     const PluginContext &context)
    : Sink(std::move(info), target_config, context),
      max_rows_(positive_setting(target_config, "batch_size_rows", 100000)),
      max_bytes_(positive_setting(target_config, "batch_size_bytes", std::int64_t{64} << 20)) {}

void BatchSink::process_record(const singer::RecordView &record, const RecordMeta &meta) {
  batch_.append(record, meta.line_number);
  if (received_at_storage_.empty() || received_at_storage_.back() != meta.received_at) {
    received_at_storage_.emplace_back(meta.received_at);
  }
  RecordMeta kept = meta;
  kept.received_at = received_at_storage_.back();
  metas_.push_back(kept);
}

bool BatchSink::is_full() const {
  return batch_.size() >= max_rows_ || batch_.bytes() >= max_bytes_;
}

void BatchSink::drain() {
  if (batch_.empty()) return;
  process_batch(batch_, metas_);
  batch_.clear();
  metas_.clear();
  received_at_storage_.clear();
}

}  // namespace chorus
