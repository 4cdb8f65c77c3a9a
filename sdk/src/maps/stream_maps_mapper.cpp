// StreamMapsMapper: the Mapper hooks handed to StreamMaps.
#include "chorus/maps/stream_maps_mapper.h"

namespace chorus::maps {

StreamMapsMapper::StreamMapsMapper(PluginContext context, nlohmann::json config, std::string plugin)
    : Mapper(context, std::move(config)), maps_(this->config(), std::move(plugin)) {}

void StreamMapsMapper::write_mapped_schema(singer::SchemaMessage &schema,
                                           singer::MessageWriter &out) {
  maps_.map_schema(schema, out);
}

void StreamMapsMapper::map_record(const singer::RecordView &record, singer::MessageWriter &out) {
  maps_.map_record(record, line_number(), out);
}

void StreamMapsMapper::map_activate_version(const singer::Message &message,
                                            singer::MessageWriter &out) {
  const singer::ActivateVersionMessage activate = singer::as_activate_version(message);
  maps_.map_activate_version(activate.stream, activate.version, out);
}

}  // namespace chorus::maps
