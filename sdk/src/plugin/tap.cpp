// The default Tap behaviour: discovery builds the catalog from the streams, and sync runs each
// selected stream in catalog order with a STATE after each.
#include "chorus/plugin/tap.h"

#include <algorithm>
#include <string>

#include "chorus/plugin/errors.h"
#include "chorus/plugin/tap_settings.h"

namespace chorus {
namespace {

bool contains(const std::vector<std::string> &names, const std::string &name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

nlohmann::json stream_catalog_entry(const Stream &stream) {
  const std::string name = stream.name();
  const nlohmann::json schema = stream.schema();
  const std::vector<std::string> keys = stream.key_properties();
  const std::vector<std::string> replication_keys = stream.replication_keys();
  const ReplicationMethod method = stream.default_replication_method();
  const std::string replication_key =
      method == ReplicationMethod::Incremental && !replication_keys.empty() ? replication_keys[0]
                                                                            : std::string();

  nlohmann::json top = {{"selected", stream.selected_by_default()},
                        {"selected-by-default", stream.selected_by_default()},
                        {"replication-method", to_string(method)},
                        {"table-key-properties", keys}};
  if (!replication_key.empty()) top["replication-key"] = replication_key;
  if (!replication_keys.empty()) top["valid-replication-keys"] = replication_keys;
  if (replication_keys.empty() && method == ReplicationMethod::FullTable) {
    top["forced-replication-method"] = "FULL_TABLE";
  }
  const nlohmann::json extra = stream.stream_metadata();
  if (extra.is_object()) top.update(extra);

  nlohmann::json metadata = nlohmann::json::array();
  metadata.push_back({{"breadcrumb", nlohmann::json::array()}, {"metadata", top}});
  const nlohmann::json per_property = stream.property_metadata();
  const auto properties = schema.find("properties");
  if (properties != schema.end() && properties->is_object()) {
    for (const auto &[property, property_schema] : properties->items()) {
      (void)property_schema;
      const bool automatic = contains(keys, property) || property == replication_key;
      nlohmann::json values = {{"inclusion", automatic ? "automatic" : "available"},
                               {"selected", true}};
      if (per_property.is_object() && per_property.contains(property) &&
          per_property[property].is_object()) {
        values.update(per_property[property]);
      }
      metadata.push_back(
          {{"breadcrumb", nlohmann::json::array({"properties", property})}, {"metadata", values}});
    }
  }
  return {{"tap_stream_id", name},
          {"stream", name},
          {"schema", schema},
          {"key_properties", keys},
          {"metadata", metadata}};
}

// The schema a sync announces: deselected properties removed, keys kept whatever the catalog
// says, because a target cannot upsert without them.
nlohmann::json selected_schema(const CatalogEntry &entry, nlohmann::json schema) {
  if (entry.deselected_properties.empty() || !schema.contains("properties")) return schema;
  for (const auto &property : entry.deselected_properties) {
    if (contains(entry.key_properties, property) || property == entry.replication_key) continue;
    schema["properties"].erase(property);
    if (schema.contains("required") && schema["required"].is_array()) {
      auto &required = schema["required"];
      required.erase(std::remove(required.begin(), required.end(), nlohmann::json(property)),
                     required.end());
    }
  }
  return schema;
}

Stream *find_stream(const std::vector<std::unique_ptr<Stream>> &streams,
                    const CatalogEntry &entry) {
  for (const auto &stream : streams) {
    const std::string name = stream->name();
    if (name == entry.tap_stream_id || name == entry.stream) return stream.get();
  }
  return nullptr;
}

std::string stream_names(const std::vector<std::unique_ptr<Stream>> &streams) {
  std::string names;
  for (const auto &stream : streams) names += (names.empty() ? "" : ", ") + stream->name();
  return names.empty() ? std::string("none") : names;
}

}  // namespace

StreamSync::StreamSync(const CatalogEntry &entry, nlohmann::json &state, singer::MessageWriter &out,
                       const PluginContext &context, bool full_refresh)
    : entry_(entry), state_(state), out_(out), context_(context), full_refresh_(full_refresh) {
  if (!state_.is_object()) state_ = nlohmann::json::object();
  if (!state_.contains("bookmarks") || !state_["bookmarks"].is_object()) {
    state_["bookmarks"] = nlohmann::json::object();
  }
  const auto &bookmarks = state_["bookmarks"];
  const auto it = bookmarks.find(entry_.stream);
  if (it != bookmarks.end()) emitted_bookmark_ = *it;
}

ReplicationMethod StreamSync::replication_method() const {
  return entry_.replication_method.value_or(ReplicationMethod::FullTable);
}

const std::string &StreamSync::replication_key() const { return entry_.replication_key; }

bool StreamSync::property_selected(const std::string &property) const {
  return !contains(entry_.deselected_properties, property) ||
         contains(entry_.key_properties, property) || property == entry_.replication_key;
}

const nlohmann::json &StreamSync::bookmark() const {
  static const nlohmann::json none;
  if (full_refresh_) return none;
  const auto &bookmarks = state_["bookmarks"];
  const auto it = bookmarks.find(entry_.stream);
  return it == bookmarks.end() ? none : *it;
}

void StreamSync::set_bookmark(nlohmann::json bookmark) {
  state_["bookmarks"][entry_.stream] = std::move(bookmark);
}

void StreamSync::emit_state() {
  out_.write_state(state_);
  const auto &bookmarks = state_["bookmarks"];
  const auto it = bookmarks.find(entry_.stream);
  emitted_bookmark_ = it == bookmarks.end() ? nlohmann::json() : *it;
}

void StreamSync::revert_to_emitted_bookmark() {
  if (emitted_bookmark_.is_null()) {
    state_["bookmarks"].erase(entry_.stream);
  } else {
    state_["bookmarks"][entry_.stream] = emitted_bookmark_;
  }
}

void StreamSync::write_schema(const nlohmann::json &schema,
                              const std::vector<std::string> &property_order) {
  std::vector<std::string> bookmark_properties;
  if (!entry_.replication_key.empty()) bookmark_properties.push_back(entry_.replication_key);
  out_.write_schema(entry_.stream, selected_schema(entry_, schema), entry_.key_properties,
                    bookmark_properties, property_order);
}

nlohmann::json Tap::catalog() { return catalog_of(discover_streams()); }

nlohmann::json Tap::catalog_of(const std::vector<std::unique_ptr<Stream>> &streams) {
  nlohmann::json entries = nlohmann::json::array();
  for (const auto &stream : streams) entries.push_back(stream_catalog_entry(*stream));
  return {{"streams", entries}};
}

void Tap::sync(const nlohmann::json &catalog, nlohmann::json state, singer::MessageWriter &out,
               bool full_refresh) {
  const std::vector<std::unique_ptr<Stream>> streams = discover_streams();
  std::vector<CatalogEntry> entries;
  if (catalog.is_null()) {
    // The default catalog, built from the streams at hand rather than by catalog(), which would
    // run discovery (queries, HTTP calls) a second time.
    nlohmann::json defaults = {{"streams", nlohmann::json::array()}};
    for (const auto &stream : streams) defaults["streams"].push_back(stream_catalog_entry(*stream));
    entries = parse_catalog(defaults);
  } else {
    entries = parse_catalog(catalog);
  }

  // A run that syncs nothing because nothing is selected is a configuration mistake, not a
  // success, unless the tap's `allow_empty` setting says an empty result is expected.
  if (std::none_of(entries.begin(), entries.end(), [](const auto &e) { return e.selected; }) &&
      !tap_settings::kAllowEmpty.read(config())) {
    throw ConfigError("no stream is selected, so nothing would be synced (the tap's streams: " +
                      stream_names(streams) +
                      "); select some with `chorus run --select STREAM` or `select:` in the "
                      "pipeline (`chorus select PIPELINE --list` shows them)" +
                      // Only a tap that declares the setting has its default in the config.
                      (config().contains("allow_empty") ? ", or set allow_empty: true" : ""));
  }

  if (state.is_null()) state = nlohmann::json::object();
  if (!state.is_object()) {
    throw ConfigError("the state must be a JSON object such as {\"bookmarks\": {}}");
  }
  if (!state.contains("bookmarks") || !state["bookmarks"].is_object()) {
    state["bookmarks"] = nlohmann::json::object();
  }

  for (const auto &selected : entries) {
    if (!selected.selected) continue;
    if (context().stop_requested()) {
      context().info("stop requested: not starting stream '" + selected.stream + "'");
      break;
    }
    Stream *stream = find_stream(streams, selected);
    if (stream == nullptr) {
      throw ConfigError("the catalog selects stream '" + selected.tap_stream_id +
                        "', which this tap does not have (its streams: " + stream_names(streams) +
                        "); run discovery again and reselect");
    }

    // The catalog may leave the replication settings out; the stream's defaults fill them in.
    CatalogEntry entry = selected;
    if (!entry.replication_method) entry.replication_method = stream->default_replication_method();
    if (entry.replication_key.empty() &&
        *entry.replication_method == ReplicationMethod::Incremental) {
      const auto keys = stream->replication_keys();
      if (!keys.empty()) entry.replication_key = keys.front();
    }
    if (entry.key_properties.empty()) entry.key_properties = stream->key_properties();
    // A full refresh starts the stream over, so its old bookmark must not survive into the
    // states this run writes.
    if (full_refresh) state["bookmarks"].erase(entry.stream);

    StreamSync sync(entry, state, out, context(), full_refresh);
    if (!stream->writes_own_schema()) sync.write_schema(entry.schema, stream->property_order());
    bool stopped = false;
    try {
      stream->sync(sync);
    } catch (const StopRequested &) {
      sync.revert_to_emitted_bookmark();
      stopped = true;
    }
    sync.emit_state();
    context().counter("record_count", static_cast<std::int64_t>(sync.records()),
                      {{"stream", entry.stream}});
    if (stopped) {
      context().info("stop requested: stream '" + entry.stream + "' stopped after " +
                     std::to_string(sync.records()) +
                     " records; its state is the last one it emitted");
      break;
    }
  }
}

}  // namespace chorus
