// From a SCHEMA to the streams made of it: which map entries apply (the stream's own, a glob,
// the __source__ entries), the emitted schema of each, and the plan its records follow.
#include <fnmatch.h>

#include <algorithm>

#include "chorus/plugin/did_you_mean.h"
#include "chorus/plugin/errors.h"
#include "chorus/singer/writer.h"
#include "maps/stream_maps_impl.h"

namespace chorus::maps {
namespace {

bool matches(const std::string &pattern, const std::string &stream) {
  return pattern == stream || fnmatch(pattern.c_str(), stream.c_str(), 0) == 0;
}

bool contains(const std::vector<std::string> &names, const std::string &name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string list(const std::vector<std::string> &names) {
  std::string out;
  for (const std::string &name : names) out += (out.empty() ? "" : ", ") + name;
  return out.empty() ? "(none)" : out;
}

// The SDK's type rule: an expression that starts with a cast has the cast's type.
std::optional<nlohmann::json> cast_schema(const std::string &text) {
  static const std::pair<const char *, const char *> kCasts[] = {
      {"str(", "string"}, {"int(", "integer"}, {"float(", "number"}, {"bool(", "boolean"}};
  for (const auto &[prefix, type] : kCasts) {
    if (text.rfind(prefix, 0) == 0) return nlohmann::json{{"type", {type, "null"}}};
  }
  return std::nullopt;
}

}  // namespace

std::vector<OutputStream> StreamMaps::Impl::plan(const singer::SchemaMessage &schema,
                                                 std::vector<nlohmann::json> &schemas,
                                                 std::vector<std::vector<std::string>> &keys) {
  const nlohmann::json empty = nlohmann::json::object();
  const nlohmann::json &input_properties =
      schema.schema.contains("properties") && schema.schema["properties"].is_object()
          ? schema.schema["properties"]
          : empty;
  const std::vector<std::string> order =
      singer::property_names(schema.schema, schema.property_order);

  // The entries that apply: those naming or matching the stream (unless they make a new stream
  // from another), and those making a new stream from it.
  std::vector<std::pair<const MapEntry *, std::string>> applied;  // entry, output name
  bool primary = false;
  for (MapEntry &entry : config.entries) {
    const bool own = entry.source.empty() && matches(entry.key, schema.stream);
    const bool derived = entry.source == schema.stream;
    if (!own && !derived) continue;
    entry.matched = true;
    if (own) primary = true;
    if (entry.drop_stream) continue;
    std::string name = !entry.alias.empty() ? entry.alias : own ? schema.stream : entry.key;
    applied.emplace_back(&entry, std::move(name));
  }
  if (!primary && !config.else_drop_streams) applied.emplace_back(nullptr, schema.stream);

  std::vector<OutputStream> outputs;
  for (const auto &[entry, name] : applied) {
    OutputStream output;
    output.name = name;
    output.entry = entry;
    const std::string label = plugin + ": stream_maps." + (entry ? entry->key : schema.stream);
    std::vector<std::string> key_properties = schema.key_properties;
    if (entry && entry->overrides_key_properties) key_properties = entry->key_properties;

    // Every name an expression reads must be a property of the stream.
    auto check_reads = [&](const Expression &expression, const std::string &path) {
      for (const std::string &read : expression.property_names()) {
        if (input_properties.contains(read)) continue;
        throw ConfigError(label + path + ": the expression \"" + expression.text() + "\" reads '" +
                          read + "', which the SCHEMA of stream '" + schema.stream +
                          "' does not have" + did_you_mean(read, order) +
                          " (read a property a record may lack with record.get('" + read + "'))");
      }
    };
    if (entry && entry->filter) check_reads(*entry->filter, ".__filter__");

    std::vector<std::pair<OutputProperty, nlohmann::json>> properties;
    for (const std::string &input : order) {
      const PropertyRule *rule = nullptr;
      if (entry) {
        for (const PropertyRule &candidate : entry->properties) {
          if (candidate.name == input) rule = &candidate;
        }
      }
      if (rule == nullptr && entry && entry->else_drop && !contains(key_properties, input))
        continue;
      if (rule != nullptr && !rule->expression) continue;  // dropped
      OutputProperty property;
      property.name = input;
      nlohmann::json property_schema = input_properties[input];
      if (rule == nullptr) {
        property.input = input;
      } else {
        property.expression = &*rule->expression;
        check_reads(*rule->expression, "." + input);
        if (auto cast = cast_schema(rule->expression->text())) property_schema = *cast;
      }
      properties.emplace_back(std::move(property), std::move(property_schema));
    }
    if (entry) {
      for (const PropertyRule &rule : entry->properties) {
        if (input_properties.contains(rule.name)) continue;
        if (!rule.expression) {
          throw ConfigError(label + "." + rule.name + " drops property '" + rule.name +
                            "', which the SCHEMA of stream '" + schema.stream + "' does not have" +
                            did_you_mean(rule.name, order) +
                            "; its properties are: " + list(order));
        }
        check_reads(*rule.expression, "." + rule.name);
        OutputProperty property;
        property.name = rule.name;
        property.expression = &*rule.expression;
        nlohmann::json property_schema = {{"type", {"string", "null"}}};
        const std::string plain(rule.expression->plain_property());
        if (auto cast = cast_schema(rule.expression->text())) {
          property_schema = *cast;
        } else if (!plain.empty() && input_properties.contains(plain)) {
          property_schema = input_properties[plain];  // a copy keeps the type of its original
        }
        properties.emplace_back(std::move(property), std::move(property_schema));
      }
    }

    std::vector<std::pair<std::string, nlohmann::json>> columns;
    for (auto &[property, property_schema] : properties) {
      property.types = singer::detail::declared_types(property_schema);
      if (config.flattening) {
        flatten_property(property, property_schema, config.max_depth, columns);
      } else {
        columns.emplace_back(property.name, property_schema);
      }
      output.properties.push_back(std::move(property));
    }

    std::vector<std::string> column_names;
    column_names.reserve(columns.size());
    for (const auto &column : columns) column_names.push_back(column.first);
    for (const std::string &key : key_properties) {
      if (contains(column_names, key)) continue;
      throw ConfigError(label + ": key property '" + key + "' is not in the mapped stream '" +
                        name + "' (its properties: " + list(column_names) +
                        "); set __key_properties__ to the key the mapped stream has, or null");
    }

    nlohmann::json emitted = schema.schema;
    emitted["properties"] = nlohmann::json::object();
    for (const auto &[column, column_schema] : columns)
      emitted["properties"][column] = column_schema;
    if (emitted.contains("required") && emitted["required"].is_array()) {
      nlohmann::json required = nlohmann::json::array();
      for (const auto &item : emitted["required"]) {
        const auto it = std::find_if(output.properties.begin(), output.properties.end(),
                                     [&](const OutputProperty &p) { return p.name == item; });
        if (it != output.properties.end() && !it->input.empty() && it->children.empty() &&
            !it->json_text) {
          required.push_back(item);
        }
      }
      emitted["required"] = required;
    }
    schemas.push_back(std::move(emitted));
    keys.push_back(std::move(key_properties));
    outputs.push_back(std::move(output));
  }
  return outputs;
}

StreamMaps::StreamMaps(const nlohmann::json &config, std::string plugin)
    : impl_(std::make_unique<Impl>()) {
  impl_->plugin = std::move(plugin);
  impl_->config = parse_map_config(config, impl_->plugin);
}

StreamMaps::~StreamMaps() = default;

void StreamMaps::map_schema(const singer::SchemaMessage &schema, singer::MessageWriter &out) {
  Impl &impl = *impl_;
  impl.seen.insert(schema.stream);
  std::vector<nlohmann::json> schemas;
  std::vector<std::vector<std::string>> keys;
  std::vector<OutputStream> outputs = impl.plan(schema, schemas, keys);
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    const auto [owner, inserted] = impl.owners.emplace(outputs[i].name, schema.stream);
    if (!inserted && owner->second != schema.stream) {
      throw ConfigError(impl.plugin + ": streams '" + owner->second + "' and '" + schema.stream +
                        "' are both mapped to stream '" + outputs[i].name +
                        "'; give one an __alias__");
    }
    std::vector<std::string> order;
    for (const auto &item : schemas[i]["properties"].items()) order.push_back(item.key());
    // The columns in plan order (input order, then new properties), not sorted.
    std::vector<std::string> plan_order;
    for (const OutputProperty &property : outputs[i].properties) {
      if (property.children.empty()) {
        plan_order.push_back(property.name);
        continue;
      }
      const std::string prefix = property.name + "__";
      for (const std::string &column : order) {
        if (column.rfind(prefix, 0) == 0) plan_order.push_back(column);
      }
    }
    for (const std::string &column : order) {
      if (!contains(plan_order, column)) plan_order.push_back(column);
    }
    out.write_schema(outputs[i].name, schemas[i], keys[i], schema.bookmark_properties, plan_order);
  }
  impl.streams[schema.stream] = std::move(outputs);
  impl.last_outputs = nullptr;
  impl.last_stream.clear();
}

void StreamMaps::map_activate_version(std::string_view stream, std::int64_t version,
                                      singer::MessageWriter &out) {
  const auto found = impl_->streams.find(stream);
  if (found == impl_->streams.end()) {
    // No SCHEMA yet: the stream is mapped by name alone, as its SCHEMA would be.
    out.write_activate_version(stream, version);
    return;
  }
  for (const OutputStream &output : found->second) out.write_activate_version(output.name, version);
}

std::vector<std::string> StreamMaps::unmatched() const {
  std::vector<std::string> names;
  for (const MapEntry &entry : impl_->config.entries) {
    if (!entry.matched)
      names.push_back(entry.source.empty() ? entry.key
                                           : entry.key + " (__source__ " + entry.source + ")");
  }
  return names;
}

void StreamMaps::finish() const {
  const std::vector<std::string> names = unmatched();
  if (names.empty()) return;
  std::vector<std::string> seen(impl_->seen.begin(), impl_->seen.end());
  throw ConfigError(impl_->plugin + ": stream_maps key(s) " + list(names) +
                    " matched no stream; the streams seen were: " + list(seen) +
                    ". Fix the stream name (a stream_maps key is a stream name or a glob)");
}

}  // namespace chorus::maps
