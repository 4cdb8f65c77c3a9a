// The sink of one stream: a JSON Lines file with each record's JSON object.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "chorus/plugin/target.h"
#include "chorus/plugin/output_file.h"

namespace chorus::jsonl_target {

class JsonlSink : public Sink {
 public:
  // `appending`: this run already wrote the file (the stream's SCHEMA came again).
  JsonlSink(StreamInfo info, const nlohmann::json &target_config, const PluginContext &context,
            const std::string &path, bool appending, std::size_t rows_per_drain);

  void process_record(const singer::RecordView &record, const RecordMeta &meta) override;
  bool is_full() const override { return pending_rows_ >= rows_per_drain_; }
  void drain() override;
  void finish() override { drain(); }

 private:
  std::unique_ptr<file_output::OutputFile> file_;
  std::size_t rows_per_drain_;
  std::size_t pending_rows_ = 0;
};

}  // namespace chorus::jsonl_target
