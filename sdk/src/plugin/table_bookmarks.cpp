#include "chorus/plugin/table_bookmarks.h"

#include <chrono>

#include "chorus/plugin/errors.h"
#include "chorus/plugin/tap_settings.h"
#include "plugin/stable_hash.h"

namespace chorus {

const Setting<std::uint64_t> kTableStateEvery =
    Setting<std::uint64_t>("state_every", "Records between STATE messages.")
        .defaults_to(10000)
        .at_least(1);

TableReplication TableReplication::from_setting(const nlohmann::json &entry) {
  TableReplication replication;
  if (!entry.is_object()) return replication;
  if (entry.contains("method") && entry["method"].is_string()) {
    replication.method = parse_replication_method(entry["method"].get<std::string>());
  }
  replication.key = entry.value("replication_key", "");
  return replication;
}

std::vector<std::string> TableReplication::replication_keys(
    const std::vector<std::string> &orderable) const {
  std::vector<std::string> keys;
  if (!key.empty()) keys.push_back(key);
  for (const auto &column : orderable) {
    if (column != key) keys.push_back(column);
  }
  return keys;
}

nlohmann::json table_sync_settings_properties(const std::string &stream_form,
                                              const std::string &example_stream,
                                              const std::string &example_key) {
  nlohmann::json properties;
  properties["replication"] = {
      {"type", "object"},
      {"additionalProperties",
       {{"type", "object"},
        {"properties",
         {{"method", {{"type", "string"}, {"enum", {"FULL_TABLE", "INCREMENTAL", "LOG_BASED"}}}},
          {"replication_key", {{"type", "string"}}}}}}},
      {"description", "Per stream (\"" + stream_form +
                          "\"), the replication method and key discovery puts in the catalog: "
                          "{\"" +
                          example_stream +
                          "\": {\"method\": \"INCREMENTAL\", \"replication_key\": \"" +
                          example_key + "\"}}. Default: FULL_TABLE."}};
  properties["state_every"] = kTableStateEvery.schema();
  properties["allow_empty"] =
      tap_settings::kAllowEmpty
          .with("description",
                "Succeed with nothing synced when no table is selected (tables are not "
                "selected by default: choose them with --select or `select:`).")
          .schema();
  return properties;
}

void write_table_schema(StreamSync &sync, const std::string &stream, nlohmann::json schema,
                        const std::vector<std::string> &key_properties,
                        const std::vector<std::string> &column_order) {
  nlohmann::json &properties = schema["properties"];
  for (auto it = properties.begin(); it != properties.end();) {
    it = sync.property_selected(it.key()) ? std::next(it) : properties.erase(it);
  }
  if (sync.replication_method() == ReplicationMethod::LogBased) {
    properties["_sdc_deleted_at"] = {{"type", {"null", "string"}}, {"format", "date-time"}};
  }
  std::vector<std::string> bookmark_properties;
  if (sync.replication_method() == ReplicationMethod::Incremental) {
    bookmark_properties.push_back(sync.replication_key());
  }
  std::vector<std::string> order = column_order;
  order.emplace_back("_sdc_deleted_at");  // LOG_BASED only; skipped when absent
  sync.out().write_schema(stream, schema, key_properties, bookmark_properties, order);
}

bool full_table_in_progress(const nlohmann::json &bookmark) {
  return bookmark.is_object() && bookmark.contains("last_pk_fetched") &&
         !bookmark["last_pk_fetched"].is_null();
}

const Setting<nlohmann::json> kTablePartition = Setting<nlohmann::json>(
    "partition",
    "Set by `chorus run --partition K/N` (and --finalize): {\"index\": K, \"count\": N, "
    "\"version\": V} reads slice K of N of every FULL_TABLE stream under the shared version V; "
    "{\"count\": N, \"version\": V, \"finalize\": true} writes each stream's "
    "ACTIVATE_VERSION once all slices are done.");

std::string TablePartition::describe() const {
  return "slice " + std::to_string(index) + " of " + std::to_string(count);
}

std::string TablePartition::slice_condition(const std::string &key_hash) const {
  if (!active() || finalize) return "";
  return "mod(" + key_hash + ", " + std::to_string(count) + ") = " + std::to_string(index - 1);
}

bool TablePartition::deals(std::string_view name) const {
  if (!active() || finalize) return true;
  return fnv1a64(name) % static_cast<std::uint64_t>(count) == static_cast<std::uint64_t>(index - 1);
}

bool partition_step(StreamSync &sync, const std::string &plugin, const std::string &stream,
                    const std::vector<std::string> &key_properties,
                    const TablePartition &partition) {
  if (!partition.active()) return false;
  if (sync.replication_method() != ReplicationMethod::FullTable) {
    throw ConfigError(plugin + ": stream '" + stream + "' is " +
                      to_string(sync.replication_method()) +
                      ": a partitioned run splits FULL_TABLE streams only, since the slices of "
                      "one bookmark (or one replication slot) would overwrite each other; sync "
                      "it in a pipeline of its own without --partition (--select)");
  }
  if (key_properties.empty()) {
    throw ConfigError(plugin + ": stream '" + stream +
                      "' has no primary key, so its slices cannot be told apart or resumed; "
                      "sync it in a pipeline of its own without --partition (--select)");
  }
  if (!partition.finalize) return false;
  // Every slice is done (the host checked): the rows of older versions can go.
  sync.out().write_activate_version(stream, partition.version);
  sync.set_bookmark({{"version", partition.version}});
  sync.emit_state();
  return true;
}

TablePartition table_partition(const nlohmann::json &config, const std::string &plugin) {
  const nlohmann::json value = kTablePartition.read(config);
  TablePartition partition;
  if (value.empty()) return partition;
  auto integer = [&](const char *name) -> std::int64_t {
    if (!value.contains(name) || !value[name].is_number_integer()) {
      throw ConfigError(plugin + ": setting partition: \"" + name + "\" must be an integer, got " +
                        value.dump());
    }
    return value[name].get<std::int64_t>();
  };
  partition.count = static_cast<int>(integer("count"));
  partition.version = integer("version");
  partition.finalize = value.value("finalize", false);
  if (!partition.finalize) partition.index = static_cast<int>(integer("index"));
  if (partition.count < 1 || partition.version <= 0 ||
      (!partition.finalize && (partition.index < 1 || partition.index > partition.count))) {
    throw ConfigError(plugin + ": setting partition " + value.dump() +
                      ": index must be 1..count, count at least 1 and version positive");
  }
  return partition;
}

FullTableBookmark::FullTableBookmark(StreamSync &sync, std::string stream, nlohmann::json bookmark,
                                     const std::string &plugin, std::vector<std::string> keys,
                                     std::uint64_t state_every, const TablePartition &partition)
    : sync_(sync),
      stream_(std::move(stream)),
      bookmark_(bookmark.is_object() ? std::move(bookmark) : nlohmann::json::object()),
      keys_(std::move(keys)),
      state_every_(state_every),
      slice_(partition.active()) {
  if (slice_ && bookmark_.value("version", std::int64_t{0}) != partition.version) {
    // A bookmark of an earlier partitioned sync: this one starts from the first row.
    bookmark_ = nlohmann::json::object();
  }
  if (full_table_in_progress(bookmark_)) {
    const nlohmann::json &last = bookmark_["last_pk_fetched"];
    bool fits = !keys_.empty() && last.is_object() && last.size() == keys_.size() &&
                bookmark_.contains("version") && bookmark_["version"].is_number_integer();
    for (const auto &key : keys_) fits = fits && last.contains(key) && last[key].is_string();
    if (fits) {
      resume_after_ = last;
      sync_.context().info(plugin + ": stream '" + stream_ +
                           "': resuming the full-table sync after key " + last.dump());
    } else {
      sync_.context().warn(plugin + ": stream '" + stream_ + "': the state's last_pk_fetched " +
                           last.dump() + " does not match the primary key " +
                           nlohmann::json(keys_).dump() +
                           "; the full-table sync starts again from the first row");
    }
  }
  version_ = slice_          ? partition.version
             : resume_after_ ? bookmark_["version"].get<std::int64_t>()
                             : std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count();
}

void FullTableBookmark::begin() {
  if (!slice_ && !bookmark_.contains("version")) {
    sync_.out().write_activate_version(stream_, version_);
  }
  bookmark_["version"] = version_;
}

void FullTableBookmark::row_written(const std::function<nlohmann::json()> &last_keys) {
  if (keys_.empty() || ++since_state_ < state_every_) return;
  since_state_ = 0;
  bookmark_["last_pk_fetched"] = last_keys();
  sync_.set_bookmark(bookmark_);
  sync_.emit_state();
}

void FullTableBookmark::finish() {
  if (!slice_) sync_.out().write_activate_version(stream_, version_);
  // Null rather than absent: the host (like Meltano) merges a stream's new bookmark into the
  // stored one key by key, so a key left out would keep its old value.
  if (bookmark_.contains("last_pk_fetched")) bookmark_["last_pk_fetched"] = nullptr;
  sync_.set_bookmark(bookmark_);
  sync_.emit_state();
}

IncrementalBookmark::IncrementalBookmark(StreamSync &sync, std::string key,
                                         std::uint64_t state_every)
    : sync_(sync), key_(std::move(key)), state_every_(state_every) {}

std::optional<std::string> IncrementalBookmark::start_value() const {
  const nlohmann::json &bookmark = sync_.bookmark();
  if (!bookmark.is_object() || bookmark.value("replication_key", "") != key_ ||
      !bookmark.contains("replication_key_value") ||
      !bookmark["replication_key_value"].is_string()) {
    return std::nullopt;
  }
  return bookmark["replication_key_value"].get<std::string>();
}

void IncrementalBookmark::row_written(std::string value) {
  last_value_ = std::move(value);
  if (++since_state_ >= state_every_) {
    save();
    since_state_ = 0;
  }
}

void IncrementalBookmark::finish() { save(); }

void IncrementalBookmark::save() {
  if (!last_value_) return;
  sync_.set_bookmark({{"replication_key", key_}, {"replication_key_value", *last_value_}});
  sync_.emit_state();
}

}  // namespace chorus
