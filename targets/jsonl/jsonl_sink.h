// The sink of one stream: the stream's JSON Lines file, one object a line, appended to on every
// run (see jsonl_target.cpp for the layout and what a resumed run guarantees).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "chorus/plugin/appending_file_sink.h"
#include "chorus/sql/metadata_columns.h"

namespace chorus::target_jsonl {

struct JsonlSinkOptions {
  std::string path;  // the stream's file
};

class JsonlSink : public file_output::AppendingFileSink {
 public:
  JsonlSink(StreamInfo info, const nlohmann::json &target_config, const PluginContext &context,
            JsonlSinkOptions options);

  ~JsonlSink() override { stop_writer(); }

 private:
  void accept_record(const singer::RecordView &record, const RecordMeta &meta) override;
  void write_record(const singer::RecordView &record, const RecordMeta &meta) override;
  void prefetch_record(const singer::RecordView &record) override;
  // Opens the file for appending, on the first record (a stream without records gets no file):
  // cuts a torn last line, and for a keyed stream learns the latest row of every key in it.
  void open();
  void append_metadata(std::string &out, const singer::RecordView &record, const RecordMeta &meta);

  JsonlSinkOptions options_;
  std::string scratch_;
  sql::CountingDigits sequence_digits_;
};

}  // namespace chorus::target_jsonl
