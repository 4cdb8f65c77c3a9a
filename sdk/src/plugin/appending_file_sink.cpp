#include "chorus/plugin/appending_file_sink.h"

#include <algorithm>
#include <utility>

#include "chorus/plugin/key_properties.h"
#include "chorus/plugin/target_settings.h"

namespace chorus::file_output {

AppendingFileSink::AppendingFileSink(StreamInfo info, const nlohmann::json &target_config,
                                     const PluginContext &context, const char *plugin,
                                     std::string path)
    : Sink(std::move(info), target_config, context),
      plugin_(plugin),
      path_(std::move(path)),
      rows_per_drain_(
          target_settings::positive_or_default(target_settings::kBatchSizeRows, target_config)),
      add_record_metadata_(target_settings::kAddRecordMetadata.read(target_config)),
      // Remembers at least the keys of two batches: what a resume sends again is that recent.
      redelivered_(std::max<std::size_t>(500000, 2 * rows_per_drain_)) {
  key_properties::require_in_schema(this->info(), plugin_);
}

void AppendingFileSink::drain() {
  if (file_) file_->sync();
  pending_rows_ = 0;
}

void AppendingFileSink::finish() {
  drain();
  if (skipped_ > 0) context().info(redelivery_summary(plugin_, stream(), skipped_, path_));
}

}  // namespace chorus::file_output
