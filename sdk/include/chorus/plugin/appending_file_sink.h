// What the sinks of the file targets (target-csv, target-jsonl) share: one file per stream,
// appended to on every run, made durable on every drain, and the records a resumed run sends
// again left out when they are already their key's latest row (see redelivery_filter.h). A
// derived sink opens file_ on its first record, writes its rows, and counts them in
// pending_rows_ and the redelivered ones it leaves out in skipped_.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "chorus/plugin/output_file.h"
#include "chorus/plugin/redelivery_filter.h"
#include "chorus/plugin/target.h"

namespace chorus::file_output {

class AppendingFileSink : public Sink {
 private:
  const char *plugin_;
  std::string path_;
  std::size_t rows_per_drain_;
  bool add_record_metadata_;

 public:
  bool is_full() const override { return pending_rows_ >= rows_per_drain_; }
  // Writes and syncs the rows written so far (none before the first record opened the file).
  void drain() override;
  // Drains, and logs how many redelivered records were left out.
  void finish() override;

 protected:
  // Refuses a stream whose key properties are not in its schema, naming `plugin`. Reads
  // batch_size_rows and add_record_metadata from `target_config`.
  AppendingFileSink(StreamInfo info, const nlohmann::json &target_config,
                    const PluginContext &context, const char *plugin, std::string path);

  const char *plugin() const { return plugin_; }
  const std::string &path() const { return path_; }
  // Whether rows get the _sdc_ metadata columns (add_record_metadata).
  bool add_record_metadata() const { return add_record_metadata_; }

  std::unique_ptr<OutputFile> file_;
  RedeliveryFilter redelivered_;  // sized from rows_per_drain_, so declared after it
  std::string batched_at_;        // when the batch being written began
  std::size_t pending_rows_ = 0;
  std::uint64_t skipped_ = 0;  // records identical to their key's latest row
};

}  // namespace chorus::file_output
