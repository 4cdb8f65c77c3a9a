#include "jsonl_sink.h"

#include "chorus/singer/writer.h"

namespace chorus::jsonl_target {

JsonlSink::JsonlSink(StreamInfo info, const nlohmann::json &target_config,
                     const PluginContext &context, const std::string &path, bool appending,
                     std::size_t rows_per_drain)
    : Sink(std::move(info), target_config, context),
      file_(std::make_unique<file_output::OutputFile>(path,
                                                      appending
                                                          ? file_output::OutputFile::Mode::Append
                                                          : file_output::OutputFile::Mode::Truncate,
                                                      "target-jsonl")),
      rows_per_drain_(rows_per_drain) {}

void JsonlSink::process_record(const singer::RecordView &record, const RecordMeta &meta) {
  (void)meta;
  std::string &out = file_->buffer();
  out.push_back('{');
  bool first = true;
  for (const singer::Field &field : record.fields) {
    if (!first) out.push_back(',');
    first = false;
    singer::append_json_string(out, field.name);
    out.push_back(':');
    singer::append_json_value(out, field.value);
  }
  out += "}\n";
  file_->maybe_flush();
  ++pending_rows_;
}

void JsonlSink::drain() {
  file_->sync();
  pending_rows_ = 0;
}

}  // namespace chorus::jsonl_target
