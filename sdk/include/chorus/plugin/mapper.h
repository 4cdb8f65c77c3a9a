// Mappers sit between a tap and a target and transform the stream (select, rename, hash, drop).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "chorus/plugin/context.h"
#include "chorus/singer/message.h"
#include "chorus/singer/writer.h"

namespace chorus {

class Mapper {
 public:
  Mapper(PluginContext context, nlohmann::json config)
      : context_(context), config_(std::move(config)) {}
  virtual ~Mapper() = default;

  // Rewrites a SCHEMA message (schema and key properties may change). Default: unchanged.
  virtual void map_schema(singer::SchemaMessage &schema) { (void)schema; }
  // Writes the messages for one SCHEMA. Default: map_schema(), then the SCHEMA it leaves. A
  // mapper that makes several streams of one (stream maps) writes them itself.
  virtual void write_mapped_schema(singer::SchemaMessage &schema, singer::MessageWriter &out);
  // Writes zero or more messages for one RECORD. Default: the record unchanged.
  virtual void map_record(const singer::RecordView &record, singer::MessageWriter &out) {
    out.write_record(record);
  }

  // Writes the messages for one ACTIVATE_VERSION. Default: the message unchanged.
  virtual void map_activate_version(const singer::Message &message, singer::MessageWriter &out) {
    out.write_line(message.line);
  }

  // True while the mapper cannot yet vouch for what it let through (a rule still waits for its
  // stream): STATE messages are then held back, only the latest kept, and it passes once this
  // is false again. A target commits nothing on a STATE it never saw. Default: false.
  virtual bool holds_state() const { return false; }
  // Called after the last input message, before a held STATE passes: throw to fail the run
  // (the held STATE is then dropped). Default: nothing.
  virtual void end_of_input() {}

  // Reads messages from in_fd and writes the mapped stream to out_fd. STATE and
  // ACTIVATE_VERSION pass through unchanged (see holds_state()); the records of a BATCH
  // message's files go through map_record() and on as RECORDs.
  virtual void run(int in_fd, int out_fd);

  const nlohmann::json &config() const { return config_; }
  const PluginContext &context() const { return context_; }
  // During a hook: the input line of the message it maps (for a BATCH file's record, the line
  // of the BATCH message), for errors.
  std::uint64_t line_number() const { return line_number_; }

 private:
  PluginContext context_;
  nlohmann::json config_;
  std::uint64_t line_number_ = 0;
};

// `settings_schema` with the settings every mapper accepts (batch_file_roots, batch_config: where
// BATCH files may be read from) added where it does not declare them itself.
nlohmann::json with_common_mapper_settings(nlohmann::json settings_schema);

}  // namespace chorus
