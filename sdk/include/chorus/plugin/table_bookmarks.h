// The bookmarks of a database table stream, whatever the database: a full-table sync that
// resumes after the last key it wrote, and an incremental sync by a replication key. The tap
// builds and runs its own queries; these classes decide where a sync starts, when a STATE is
// due, and what it carries.
//
//   FullTableBookmark full(sync, stream, bookmark, plugin, key_properties, state_every);
//   if (full.resume_after()) ... WHERE key > (*full.resume_after())[key] ...
//   full.begin();
//   for each row: write its RECORD with full.version(); full.row_written([&] { return keys; });
//   full.finish();
//
// Single-threaded: a stream's sync thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chorus/plugin/setting.h"
#include "chorus/plugin/tap.h"

namespace chorus {

// A stream's entry of a tap's "replication" setting: {"method": ..., "replication_key": ...}.
struct TableReplication {
  ReplicationMethod method = ReplicationMethod::FullTable;
  std::string key;
  // From the entry; null or absent members keep the defaults.
  static TableReplication from_setting(const nlohmann::json &entry);
  // The stream's valid replication keys: the configured key first, then the other `orderable`
  // columns in their order.
  std::vector<std::string> replication_keys(const std::vector<std::string> &orderable) const;
};

// "state_every" of a database tap: records between STATE messages (at least 1, default 10000).
extern const Setting<std::uint64_t> kTableStateEvery;

// The settings a database tap declares for its tables' sync, to merge into its settings
// schema: "replication" (per stream, e.g. `example_stream` with key `example_key`),
// "state_every" and "allow_empty". `stream_form` says how a stream is named
// ("<schema>-<table>").
nlohmann::json table_sync_settings_properties(const std::string &stream_form,
                                              const std::string &example_stream,
                                              const std::string &example_key);

// Writes table stream `stream`'s SCHEMA: `schema` without the properties the catalog deselected,
// `_sdc_deleted_at` added for LOG_BASED, the replication key as bookmark property for
// INCREMENTAL, properties in `column_order` (the table's).
void write_table_schema(StreamSync &sync, const std::string &stream, nlohmann::json schema,
                        const std::vector<std::string> &key_properties,
                        const std::vector<std::string> &column_order);

// "partition" of a database tap that can split its FULL_TABLE streams, which `chorus run
// --partition K/N` sets: {"index": K, "count": N, "version": V} reads slice K (1..N) of every
// selected FULL_TABLE stream, its records under the version V that every slice shares, with no
// ACTIVATE_VERSION (the slices of one sync must not retire each other's rows);
// {"count": N, "version": V, "finalize": true} reads no rows and writes each stream's
// ACTIVATE_VERSION V, once every slice is done. Absent: an ordinary sync.
struct TablePartition {
  int index = 0;
  int count = 0;  // 0: not partitioned
  std::int64_t version = 0;
  bool finalize = false;
  bool active() const { return count > 0; }
  // "slice 2 of 4"
  std::string describe() const;
  // The SQL condition that keeps this slice's rows, given an expression of a non-negative
  // integer hash of each row's key ("mod(HASH, N) = K-1"), or "" when the run reads every row.
  // Every slice computes the same split without agreeing on boundaries first: a row is never in
  // two slices or in none, even when the table changes while they run.
  std::string slice_condition(const std::string &key_hash) const;
  // Whether this slice reads the unit (a file) named `name`: FNV-1a (64 bits) of the name's
  // bytes, mod N, is K-1. A unit's slice depends on its name alone, so units added or removed
  // while the slices run never move another unit. True when the run reads everything.
  bool deals(std::string_view name) const;
};
extern const Setting<nlohmann::json> kTablePartition;
// Reads and checks the setting; throws ConfigError naming `plugin` when it is malformed.
TablePartition table_partition(const nlohmann::json &config, const std::string &plugin);

// What a stream of a partitioned run does before it reads a row, alike in every tap with the
// "partition" setting: refuses, with the reason, a stream that cannot be split (not FULL_TABLE:
// one bookmark or replication slot cannot have several readers; no key properties: the slices
// could not be resumed or upserted into one table); in the final step writes the stream's
// ACTIVATE_VERSION and a bookmark complete under the shared version. True when the stream's
// part is done and no rows are to be read; false when not partitioned or a slice is to be read.
bool partition_step(StreamSync &sync, const std::string &plugin, const std::string &stream,
                    const std::vector<std::string> &key_properties,
                    const TablePartition &partition);

// FULL_TABLE: with a primary key the rows come in key order and every `state_every` rows a
// STATE carries {"version", "last_pk_fetched": {key: text}}; a resumed run reads the rows after
// that key under the same version, so the target's clean-up of older versions
// (ACTIVATE_VERSION) runs once, after the whole table arrived. Without a key (a view) there is
// no order to resume in: a new version each time, which makes the target drop the rows of the
// interrupted attempt. Other members of the bookmark (a LOG_BASED position) are kept.
class FullTableBookmark {
 public:
  // `bookmark`: the stream's bookmark to start from (null: none). `stream` is the name its
  // records carry; `plugin` names messages.
  // A slice of a partitioned sync (`partition` active) takes its version from it, resumes
  // only a bookmark of that version, and writes no ACTIVATE_VERSION.
  FullTableBookmark(StreamSync &sync, std::string stream, nlohmann::json bookmark,
                    const std::string &plugin, std::vector<std::string> keys,
                    std::uint64_t state_every, const TablePartition &partition = {});

  // The last keys of an interrupted sync ({key: text}, every key present) to read after, or
  // nullopt to read from the first row. A last_pk_fetched that does not fit the keys is warned
  // about and ignored.
  const std::optional<nlohmann::json> &resume_after() const { return resume_after_; }
  std::int64_t version() const { return version_; }
  // Before the first record: the first ever load makes the (empty) table visible at once; later
  // loads keep serving the old version until the new one is complete.
  void begin();
  // After each row's record is written, before it is counted: every state_every rows (with
  // keys) stores `last_keys()` ({key: text}) and emits a STATE.
  void row_written(const std::function<nlohmann::json()> &last_keys);
  // After the last row: ACTIVATE_VERSION, and a STATE without last_pk_fetched.
  void finish();

 private:
  StreamSync &sync_;
  std::string stream_;
  nlohmann::json bookmark_;
  std::vector<std::string> keys_;
  std::uint64_t state_every_;
  std::uint64_t since_state_ = 0;
  std::optional<nlohmann::json> resume_after_;
  std::int64_t version_ = 0;
  bool slice_ = false;
};

// True while a full-table sync (or a LOG_BASED stream's initial copy) is unfinished.
bool full_table_in_progress(const nlohmann::json &bookmark);

// INCREMENTAL: {"replication_key", "replication_key_value"}, stored every `state_every` rows
// and at the end. Resume inclusively (`>=` the value): rows equal to it are read again, so
// rows sharing the last value are never skipped.
class IncrementalBookmark {
 public:
  IncrementalBookmark(StreamSync &sync, std::string key, std::uint64_t state_every);
  // The value to read from, when the state has one for this key.
  std::optional<std::string> start_value() const;
  // After each row's record: `value` is its replication key value in the bookmark's form.
  void row_written(std::string value);
  void finish();

 private:
  void save();
  StreamSync &sync_;
  std::string key_;
  std::uint64_t state_every_;
  std::uint64_t since_state_ = 0;
  std::optional<std::string> last_value_;
};

}  // namespace chorus
