// A Mapper that applies the stream_maps and flattening settings: the body of
// mapper-stream-maps, and what the SDK puts behind a tap's output and before a target's input
// when their config asks for stream maps (see chorus/maps/plugin_settings.h).
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "chorus/maps/stream_maps.h"
#include "chorus/plugin/mapper.h"

namespace chorus::maps {

class StreamMapsMapper : public Mapper {
 public:
  // `plugin` names the plugin in errors. Throws ConfigError for a bad map.
  StreamMapsMapper(PluginContext context, nlohmann::json config, std::string plugin);

  void write_mapped_schema(singer::SchemaMessage &schema, singer::MessageWriter &out) override;
  void map_record(const singer::RecordView &record, singer::MessageWriter &out) override;
  void map_activate_version(const singer::Message &message, singer::MessageWriter &out) override;
  // STATE waits while a stream_maps key has matched no stream: a run that fails for it
  // commits nothing.
  bool holds_state() const override { return !maps_.unmatched().empty(); }
  void end_of_input() override { maps_.finish(); }

 private:
  StreamMaps maps_;
};

}  // namespace chorus::maps
