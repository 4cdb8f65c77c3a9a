// Singer catalogs: the metadata list with breadcrumbs, unpacked into CatalogEntry and back.
#include "chorus/plugin/catalog.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "chorus/plugin/errors.h"
#include "chorus/plugin/named_values.h"

namespace chorus {
namespace {

bool is_stream_breadcrumb(const nlohmann::json &breadcrumb) {
  return breadcrumb.is_array() && breadcrumb.empty();
}

// The property name of a ["properties", name] breadcrumb, or empty.
std::string property_of(const nlohmann::json &breadcrumb) {
  if (breadcrumb.is_array() && breadcrumb.size() == 2 && breadcrumb[0] == "properties" &&
      breadcrumb[1].is_string()) {
    return breadcrumb[1].get<std::string>();
  }
  return {};
}

std::vector<std::string> string_list(const nlohmann::json &value, const std::string &where) {
  std::vector<std::string> out;
  if (value.is_null()) return out;
  if (!value.is_array()) throw ConfigError(where + " must be a list of strings");
  for (const auto &item : value) {
    if (!item.is_string()) throw ConfigError(where + " must be a list of strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

bool flag(const nlohmann::json &object, const char *key, bool fallback) {
  const auto it = object.find(key);
  return it != object.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

// The metadata object of `breadcrumb` in `list`, created when missing.
nlohmann::json &metadata_at(nlohmann::json &list, const nlohmann::json &breadcrumb) {
  for (auto &item : list) {
    if (item.is_object() && item.value("breadcrumb", nlohmann::json()) == breadcrumb) {
      if (!item.contains("metadata") || !item["metadata"].is_object()) {
        item["metadata"] = nlohmann::json::object();
      }
      return item["metadata"];
    }
  }
  list.push_back({{"breadcrumb", breadcrumb}, {"metadata", nlohmann::json::object()}});
  return list.back()["metadata"];
}

CatalogEntry parse_entry(const nlohmann::json &stream, std::size_t index) {
  const std::string where_index = "catalog stream #" + std::to_string(index + 1);
  if (!stream.is_object()) throw ConfigError(where_index + " is not a JSON object");

  CatalogEntry entry;
  entry.tap_stream_id = stream.value("tap_stream_id", std::string());
  entry.stream = stream.value("stream", entry.tap_stream_id);
  if (entry.tap_stream_id.empty()) entry.tap_stream_id = entry.stream;
  if (entry.stream.empty()) {
    throw ConfigError(where_index + " has neither \"tap_stream_id\" nor \"stream\"");
  }
  const std::string where = "catalog stream '" + entry.tap_stream_id + "'";

  const auto schema = stream.find("schema");
  if (schema == stream.end() || !schema->is_object()) {
    throw ConfigError(where + ": \"schema\" must be a JSON object");
  }
  entry.schema = *schema;
  entry.key_properties =
      string_list(stream.value("key_properties", nlohmann::json()), where + ": \"key_properties\"");

  // Legacy catalogs carry these at the top level or in the schema; metadata overrides them.
  bool selected = flag(*schema, "selected", flag(stream, "selected", false));
  bool selection_seen = schema->contains("selected") || stream.contains("selected");
  std::string method_text = stream.value("replication_method", std::string());
  entry.replication_key = stream.value("replication_key", std::string());

  const auto metadata = stream.find("metadata");
  if (metadata != stream.end() && !metadata->is_null()) {
    if (!metadata->is_array()) throw ConfigError(where + ": \"metadata\" must be a list");
    entry.metadata = *metadata;
    for (const auto &item : *metadata) {
      if (!item.is_object()) throw ConfigError(where + ": a metadata item is not an object");
      const nlohmann::json breadcrumb = item.value("breadcrumb", nlohmann::json());
      const nlohmann::json values = item.value("metadata", nlohmann::json::object());
      if (!values.is_object())
        throw ConfigError(where + ": \"metadata\" of an item must be an object");
      if (is_stream_breadcrumb(breadcrumb)) {
        if (values.contains("selected") && values["selected"].is_boolean()) {
          selected = values["selected"].get<bool>();
          selection_seen = true;
        } else if (!selection_seen && values.contains("selected-by-default")) {
          selected = flag(values, "selected-by-default", false);
        }
        if (values.contains("forced-replication-method") &&
            values["forced-replication-method"].is_string() && method_text.empty()) {
          method_text = values["forced-replication-method"].get<std::string>();
        }
        if (values.contains("replication-method") && values["replication-method"].is_string()) {
          method_text = values["replication-method"].get<std::string>();
        }
        if (values.contains("replication-key") && values["replication-key"].is_string()) {
          entry.replication_key = values["replication-key"].get<std::string>();
        }
        if (entry.key_properties.empty() && values.contains("table-key-properties")) {
          entry.key_properties =
              string_list(values["table-key-properties"], where + ": \"table-key-properties\"");
        }
        continue;
      }
      const std::string property = property_of(breadcrumb);
      if (property.empty()) continue;
      const std::string inclusion = values.value("inclusion", std::string());
      if (inclusion == "automatic") continue;  // cannot be deselected
      if (inclusion == "unsupported" || !flag(values, "selected", true)) {
        entry.deselected_properties.push_back(property);
      }
    }
  }
  entry.selected = selected;
  if (!method_text.empty()) {
    try {
      entry.replication_method = parse_replication_method(method_text);
    } catch (const ConfigError &error) {
      throw ConfigError(where + ": " + error.what());
    }
  }
  return entry;
}

constexpr Named<ReplicationMethod> kReplicationMethodNames[] = {
    {ReplicationMethod::FullTable, "FULL_TABLE"},
    {ReplicationMethod::Incremental, "INCREMENTAL"},
    {ReplicationMethod::LogBased, "LOG_BASED"},
};

}  // namespace

std::string to_string(ReplicationMethod method) {
  return std::string(name_of(kReplicationMethodNames, method, "FULL_TABLE"));
}

ReplicationMethod parse_replication_method(const std::string &text) {
  std::string upper;
  for (const char c : text) upper += c == '-' ? '_' : static_cast<char>(std::toupper(c));
  if (auto method = value_named(kReplicationMethodNames, upper)) return *method;
  throw ConfigError("unknown replication method '" + text +
                    "' (expected FULL_TABLE, INCREMENTAL or LOG_BASED)");
}

std::vector<CatalogEntry> parse_catalog(const nlohmann::json &catalog) {
  if (!catalog.is_object()) throw ConfigError("the catalog must be a JSON object with \"streams\"");
  const auto streams = catalog.find("streams");
  if (streams == catalog.end() || !streams->is_array()) {
    throw ConfigError("the catalog must have a \"streams\" list");
  }
  std::vector<CatalogEntry> entries;
  entries.reserve(streams->size());
  for (std::size_t i = 0; i < streams->size(); ++i)
    entries.push_back(parse_entry((*streams)[i], i));
  return entries;
}

nlohmann::json to_catalog(const std::vector<CatalogEntry> &entries) {
  nlohmann::json streams = nlohmann::json::array();
  for (const auto &entry : entries) {
    nlohmann::json metadata = entry.metadata.is_array() ? entry.metadata : nlohmann::json::array();
    nlohmann::json &top = metadata_at(metadata, nlohmann::json::array());
    top["selected"] = entry.selected;
    top["table-key-properties"] = entry.key_properties;
    if (entry.replication_method) top["replication-method"] = to_string(*entry.replication_method);
    if (!entry.replication_key.empty()) top["replication-key"] = entry.replication_key;
    for (auto &item : metadata) {
      const std::string property = property_of(item.value("breadcrumb", nlohmann::json()));
      if (property.empty() || !item.contains("metadata") || !item["metadata"].is_object()) continue;
      auto &values = item["metadata"];
      if (values.value("inclusion", std::string()) == "automatic") continue;
      const bool deselected =
          std::find(entry.deselected_properties.begin(), entry.deselected_properties.end(),
                    property) != entry.deselected_properties.end();
      if (values.contains("selected") || deselected) values["selected"] = !deselected;
    }
    for (const auto &property : entry.deselected_properties) {
      metadata_at(metadata, nlohmann::json::array({"properties", property}))["selected"] = false;
    }
    streams.push_back({{"tap_stream_id", entry.tap_stream_id},
                       {"stream", entry.stream},
                       {"schema", entry.schema},
                       {"key_properties", entry.key_properties},
                       {"metadata", metadata}});
  }
  return {{"streams", streams}};
}

}  // namespace chorus
