// The sink of one stream: the stream's JSON Lines file, one object a line, appended to on every
// run (see jsonl_target.cpp for the layout and what a resumed run guarantees).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "chorus/plugin/output_file.h"
#include "chorus/plugin/redelivery_filter.h"
#include "chorus/plugin/target.h"

namespace chorus::target_jsonl {

struct JsonlSinkOptions {
  std::string path;  // the stream's file
  std::size_t rows_per_drain = 100000;
  bool add_record_metadata = true;
};

class JsonlSink : public Sink {
 public:
  JsonlSink(StreamInfo info, const nlohmann::json &target_config, const PluginContext &context,
            JsonlSinkOptions options);

  void process_record(const singer::RecordView &record, const RecordMeta &meta) override;
  bool is_full() const override { return pending_rows_ >= options_.rows_per_drain; }
  void drain() override;
  void finish() override;

 private:
  // Opens the file for appending, on the first record (a stream without records gets no file):
  // cuts a torn last line, and for a keyed stream learns the latest row of every key in it.
  void open();
  void append_metadata(std::string &out, const singer::RecordView &record, const RecordMeta &meta);

  JsonlSinkOptions options_;
  std::unique_ptr<file_output::OutputFile> file_;
  file_output::RedeliveryFilter redelivered_;
  std::string batched_at_;  // when the batch being written began
  std::string scratch_;
  std::size_t pending_rows_ = 0;
  std::uint64_t skipped_ = 0;  // records identical to their key's latest row
};

}  // namespace chorus::target_jsonl
