// The Meltano SDK's stream maps and flattening (settings stream_maps, stream_map_config,
// flattening_enabled, flattening_max_depth), applied to a Singer stream.
//
//   StreamMaps maps(config, "tap-csv");      // ConfigError for a bad map or expression
//   maps.map_schema(schema, out);            // zero or more SCHEMA messages
//   maps.map_record(record, line, out);      // zero or more RECORD messages
//   maps.finish();                           // ConfigError for a key that matched no stream
//
// docs/stream-maps.md is the user's description; this header is the contract for code.
// Order of operations, as in the SDK: the stream's maps first, then flattening. A stream
// without a map passes unchanged (flattened when flattening is on).
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "chorus/singer/message.h"

namespace chorus {
class SettingList;
namespace singer {
class MessageWriter;
}
}  // namespace chorus

namespace chorus::maps {

// The four settings, declared once; every SDK tap and target accepts them (CHORUS_PLUGIN adds
// them), and mapper-stream-maps declares them itself.
const SettingList &stream_map_settings();
// True when `config` asks for stream maps or flattening.
bool stream_maps_requested(const nlohmann::json &config);

// The column flattening makes of a nested property: the path joined by "__", shortened as the
// SDK does when that is 255 characters or more (each part in turn, from the first, reduced to
// the capitals and digits of its camel-case form, lower-cased; to its first three characters
// when that leaves one or none) until it is shorter.
std::string flattened_column(const std::vector<std::string> &path);

class StreamMaps {
 public:
  // `plugin` names the plugin in errors. Parses every expression; throws ConfigError.
  StreamMaps(const nlohmann::json &config, std::string plugin);
  ~StreamMaps();
  StreamMaps(const StreamMaps &) = delete;
  StreamMaps &operator=(const StreamMaps &) = delete;

  // Writes the SCHEMA of each stream made from `schema`'s stream (none when it is dropped).
  // Throws ConfigError when a map does not fit the schema (a property to drop or read that the
  // schema lacks, a key property the result lacks, two streams or columns of one name).
  void map_schema(const singer::SchemaMessage &schema, singer::MessageWriter &out);
  // Writes the records made from `record`. `line` is its Singer line, for errors: a failing
  // expression throws FatalError naming plugin, stream, line, expression and value.
  void map_record(const singer::RecordView &record, std::uint64_t line, singer::MessageWriter &out);
  // ACTIVATE_VERSION goes to every stream made from its stream.
  void map_activate_version(std::string_view stream, std::int64_t version,
                            singer::MessageWriter &out);

  // Names of stream_maps keys (and __source__ streams) no SCHEMA has matched yet.
  std::vector<std::string> unmatched() const;
  // Throws ConfigError naming the keys that matched no stream and the streams seen.
  void finish() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace chorus::maps
