// What StreamMaps is made of: the parsed stream_maps config (stream_map_config.cpp), the plan
// of each output stream built from a SCHEMA (stream_map_plan.cpp, flattening.cpp), and the
// record transformation that follows the plan (stream_map_records.cpp).
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "chorus/maps/expression.h"
#include "chorus/maps/stream_maps.h"
#include "singer/schema_node.h"

namespace chorus::maps {

// One property of a stream's map: dropped (null or "__NULL__") or computed by an expression.
struct PropertyRule {
  std::string name;
  std::optional<Expression> expression;  // empty: drop the property
};

// One entry of stream_maps.
struct MapEntry {
  std::string key;           // the stream name, glob or new stream's name
  bool drop_stream = false;  // the entry is null or "__NULL__"
  std::string alias;         // __alias__
  std::string source;        // __source__: this entry makes a new stream from that one
  std::optional<Expression> filter;
  bool overrides_key_properties = false;  // __key_properties__ given (null: no key)
  std::vector<std::string> key_properties;
  bool else_drop = false;  // __else__: null: only the declared properties (and the key)
  std::vector<PropertyRule> properties;
  bool matched = false;
};

// The parsed settings.
struct MapConfig {
  std::vector<MapEntry> entries;
  bool else_drop_streams = false;  // top-level __else__: null
  nlohmann::json map_config = nlohmann::json::object();
  bool flattening = false;
  std::int64_t max_depth = 0;
};
// Throws ConfigError naming the offending key.
MapConfig parse_map_config(const nlohmann::json &config, const std::string &plugin);

// A nested property expanded by flattening: its key in the parent object and its column.
struct FlatNode {
  std::string key;
  std::string column;
  std::vector<FlatNode> children;  // non-empty: an object that is expanded further
};

struct OutputProperty {
  std::string name;                               // in the emitted SCHEMA and records
  std::string input;                              // a property passed through: its input name
  const Expression *expression = nullptr;         // a computed property
  std::uint8_t types = singer::detail::kAnyType;  // of the emitted schema (the validator's bits)
  std::vector<FlatNode> children;                 // flattening expands this object
  bool json_text = false;  // flattening writes objects and arrays as JSON text
  int depth = 0;           // levels left for flattening below this property
};

struct OutputStream {
  std::string name;
  const MapEntry *entry = nullptr;  // nullptr: the stream passes as it is (maybe flattened)
  std::vector<OutputProperty> properties;
};

class RecordWriter;

struct StreamMaps::Impl {
  std::string plugin;
  MapConfig config;
  std::map<std::string, std::vector<OutputStream>, std::less<>> streams;  // by input stream
  std::set<std::string> seen;                 // input streams whose SCHEMA arrived
  std::map<std::string, std::string> owners;  // output stream -> input stream
  Scratch scratch;
  // Flattening re-reads nested objects; one parser and buffer, reused.
  simdjson::ondemand::parser parser;
  std::string padded;
  // The last stream looked up, since a stream's records come in runs.
  std::string last_stream;
  const std::vector<OutputStream> *last_outputs = nullptr;

  std::vector<OutputStream> plan(const singer::SchemaMessage &schema,
                                 std::vector<nlohmann::json> &schemas,
                                 std::vector<std::vector<std::string>> &keys);
  void write_record(const OutputStream &output, const singer::RecordView &record,
                    std::uint64_t line, singer::MessageWriter &out);
};

// Flattening (flattening.cpp; flattened_column() is public). Expands `property` (already named) per
// max_depth: appends the columns and their schemas to `columns` and fills its children. Throws
// ConfigError on a duplicate column.
void flatten_property(OutputProperty &property, const nlohmann::json &schema,
                      std::int64_t max_depth,
                      std::vector<std::pair<std::string, nlohmann::json>> &columns);

}  // namespace chorus::maps
