// mapper-stream-maps: the Meltano SDK's stream maps and flattening between any tap and target
// (the role of meltano-map-transformer). The SDK does the work (chorus/maps); this plugin
// declares the settings and requires stream_maps, as meltano-map-transformer does.
#include "chorus/maps/stream_maps_mapper.h"
#include "chorus/plugin/entry.h"
#include "chorus/plugin/errors.h"
#include "chorus/plugin/setting.h"

namespace chorus::mapper_stream_maps {

class MapTransformer : public maps::StreamMapsMapper {
 public:
  static PluginInfo info() {
    PluginInfo info{"mapper-stream-maps",
                    "0.1.0",
                    "Renames, filters, splits, computes and drops streams and properties with the "
                    "Meltano SDK's stream_maps, and flattens nested objects.",
                    {"about", "stream-maps", "schema-flattening"},
                    SettingList{}.add(maps::stream_map_settings()).schema()};
    info.settings["required"] = {"stream_maps"};
    return info;
  }

  MapTransformer(PluginContext context, nlohmann::json config)
      : StreamMapsMapper(context, std::move(config), "mapper-stream-maps") {}
};

}  // namespace chorus::mapper_stream_maps

CHORUS_PLUGIN(chorus::mapper_stream_maps::MapTransformer)
