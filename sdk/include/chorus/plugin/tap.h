// Taps: a Tap owns Streams; each Stream knows its schema and how to sync itself.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "chorus/plugin/catalog.h"
#include "chorus/plugin/context.h"
#include "chorus/singer/writer.h"

namespace chorus {

class Tap;

// Thrown by StreamSync when the user asked the run to stop: the stream's sync unwinds, and
// Tap::sync ends the run with the last STATE the stream emitted. It is not an error, and on
// purpose not a std::exception, so that handlers which turn failures into FatalError let it
// pass.
struct StopRequested {};

// What a stream's sync may touch: its output, its bookmark, and the run's options.
class StreamSync {
 public:
  StreamSync(const CatalogEntry &entry, nlohmann::json &state, singer::MessageWriter &out,
             const PluginContext &context, bool full_refresh);

  const CatalogEntry &entry() const { return entry_; }
  const std::string &stream() const { return entry_.stream; }
  // The replication method and key chosen for this run (catalog metadata, else the stream's
  // defaults).
  ReplicationMethod replication_method() const;
  const std::string &replication_key() const;
  bool full_refresh() const { return full_refresh_; }
  // False for a property the catalog deselected (keys and the replication key are always
  // selected). Streams that can skip a column at the source ask this; the SDK already drops
  // deselected properties from the SCHEMA it writes.
  bool property_selected(const std::string &property) const;

  // This stream's bookmark from the state (state["bookmarks"][stream]); null when there is none
  // or on a full refresh.
  const nlohmann::json &bookmark() const;
  // Replaces this stream's bookmark in the in-memory state. Not written until emit_state().
  void set_bookmark(nlohmann::json bookmark);
  // Writes a STATE message with every stream's current bookmarks.
  void emit_state();
  // Writes this stream's SCHEMA message: `schema` without the properties the catalog deselected
  // (keys and the replication key stay, a target cannot upsert without them), with the entry's
  // key properties and replication key. Tap::sync calls it with the catalog's schema unless the
  // stream writes its own; a stream that does calls it before its first RECORD.
  void write_schema(const nlohmann::json &schema, const std::vector<std::string> &property_order);

  singer::MessageWriter &out() { return out_; }
  const PluginContext &context() const { return context_; }
  bool stop_requested() const { return context_.stop_requested(); }
  // Throws StopRequested when a stop was requested. Streams call it between batches (a page, a
  // file); count_record() calls it every kStopCheckRecords records, so a stream that writes
  // records stops within that many without code of its own.
  void check_stop() const {
    if (context_.stop_requested()) throw StopRequested{};
  }
  static constexpr std::uint64_t kStopCheckRecords = 1000;

  // Counts one record written (for the record_count metric the SDK logs at the end), and checks
  // for a stop request every kStopCheckRecords records.
  void count_record() {
    if (++records_ % kStopCheckRecords == 0) check_stop();
  }
  std::uint64_t records() const { return records_; }

  // After a StopRequested: puts back the bookmark this stream had at its last emit_state() (or
  // at its start), so the run's final STATE says only what the records written before it prove.
  void revert_to_emitted_bookmark();

 private:
  const CatalogEntry &entry_;
  nlohmann::json &state_;
  singer::MessageWriter &out_;
  const PluginContext &context_;
  bool full_refresh_;
  std::uint64_t records_ = 0;
  nlohmann::json emitted_bookmark_;  // null: the stream had none
};

class Stream {
 public:
  virtual ~Stream() = default;

  virtual std::string name() const = 0;
  virtual nlohmann::json schema() const = 0;
  // The schema's properties in the order the source has them (a table's columns, a file's
  // header); the SCHEMA message lists them so, and targets create columns in that order.
  // Empty: sorted by name.
  virtual std::vector<std::string> property_order() const { return {}; }
  virtual std::vector<std::string> key_properties() const { return {}; }
  // Properties that can serve as replication keys ("valid-replication-keys").
  virtual std::vector<std::string> replication_keys() const { return {}; }
  virtual ReplicationMethod default_replication_method() const {
    return replication_keys().empty() ? ReplicationMethod::FullTable
                                      : ReplicationMethod::Incremental;
  }
  // Whether discovery marks this stream selected by default.
  virtual bool selected_by_default() const { return true; }
  // Extra stream-level metadata for the catalog ("is-view", "row-count", "schema-name", ...),
  // and per-property metadata keyed by property name ({"id": {"sql-datatype": "integer"}}).
  virtual nlohmann::json stream_metadata() const { return nlohmann::json::object(); }
  virtual nlohmann::json property_metadata() const { return nlohmann::json::object(); }

  // Writes this stream's SCHEMA, RECORDs and STATEs. The SDK writes the SCHEMA first when
  // writes_own_schema() is false.
  virtual void sync(StreamSync &sync) = 0;
  virtual bool writes_own_schema() const { return false; }
};

class Tap {
 public:
  Tap(PluginContext context, nlohmann::json config)
      : context_(context), config_(std::move(config)) {}
  virtual ~Tap() = default;

  // The streams this tap can produce. Called for discovery and before a sync.
  virtual std::vector<std::unique_ptr<Stream>> discover_streams() = 0;

  // The catalog discovery writes. The default is catalog_of(discover_streams()).
  virtual nlohmann::json catalog();
  // The catalog of `streams`: one entry per stream, with its schema and metadata.
  static nlohmann::json catalog_of(const std::vector<std::unique_ptr<Stream>> &streams);

  // Syncs the streams selected in `catalog` (null: the default catalog), resuming from `state`
  // (null: from scratch). The default syncs each selected stream in catalog order: its SCHEMA
  // (without deselected properties), stream.sync(), then a STATE carrying every bookmark,
  // including those of streams not synced this run, and a record_count metric. A full refresh
  // drops the synced stream's old bookmark. Once a stop is requested no further stream starts,
  // and a stream that stops half way (StopRequested) ends the run with its last emitted STATE.
  // A selected stream the tap does not have is a ConfigError.
  virtual void sync(const nlohmann::json &catalog, nlohmann::json state, singer::MessageWriter &out,
                    bool full_refresh);

  const nlohmann::json &config() const { return config_; }
  const PluginContext &context() const { return context_; }

 private:
  PluginContext context_;
  nlohmann::json config_;
};

}  // namespace chorus
