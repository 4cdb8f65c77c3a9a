// Mappers sit between a tap and a target and transform the stream (select, rename, hash, drop).
#pragma once

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
      : context_(std::move(context)), config_(std::move(config)) {}
  virtual ~Mapper() = default;

  // Rewrites a SCHEMA message (schema and key properties may change). Default: unchanged.
  virtual void map_schema(singer::SchemaMessage &schema) { (void)schema; }
  // Writes zero or more messages for one RECORD. Default: the record unchanged.
  virtual void map_record(const singer::RecordView &record, singer::MessageWriter &out) {
    out.write_record(record);
  }

  // Reads messages from in_fd and writes the mapped stream to out_fd. STATE and
  // ACTIVATE_VERSION pass through unchanged; the records of a BATCH message's files go through
  // map_record() and on as RECORDs.
  virtual void run(int in_fd, int out_fd);

  const nlohmann::json &config() const { return config_; }
  const PluginContext &context() const { return context_; }

 private:
  PluginContext context_;
  nlohmann::json config_;
};

// `settings_schema` with the settings every mapper accepts (batch_file_roots, batch_config: where
// BATCH files may be read from) added where it does not declare them itself.
nlohmann::json with_common_mapper_settings(nlohmann::json settings_schema);

}  // namespace chorus
