// Targets: a Target routes each stream's records to a Sink and echoes STATE only after every
// sink committed what came before it (defined in target_loop.cpp and batch_sink.cpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "chorus/plugin/context.h"
#include "chorus/singer/message.h"
#include "chorus/singer/record_batch.h"

namespace chorus {

// The stream a sink loads, as its SCHEMA message declared it.
struct StreamInfo {
  std::string name;
  nlohmann::json schema;
  std::vector<std::string> key_properties;
  std::vector<std::string> bookmark_properties;
  // The schema's properties in the tap's order (see singer::property_names()).
  std::vector<std::string> property_order;
};

// Per-record metadata the loop passes along (for _sdc_ columns and error messages).
struct RecordMeta {
  std::uint64_t line_number = 0;
  std::int64_t sequence = 0;  // monotonic per run: the _sdc_sequence value
  // RFC 3339 UTC time (milliseconds) the target read it. Valid during process_record() only;
  // a sink that keeps it copies it (BatchSink does, for the metas it hands to process_batch).
  std::string_view received_at;
  // The Singer line the record was parsed from (its views point into it), during
  // process_record() only; empty when the record was not read from a line.
  std::string_view line;
};

class Sink {
 public:
  Sink(StreamInfo info, const nlohmann::json &target_config, const PluginContext &context)
      : info_(std::move(info)), config_(target_config), context_(context) {}
  virtual ~Sink() = default;

  const StreamInfo &info() const { return info_; }
  const std::string &stream() const { return info_.name; }

  // Takes one validated record. May load it at once or keep it for drain().
  virtual void process_record(const singer::RecordView &record, const RecordMeta &meta) = 0;
  // True when the sink wants a drain now (batch size or bytes reached).
  virtual bool is_full() const { return false; }
  // Makes every record taken so far durable at the destination. After it returns, the target
  // may tell the world these records are committed.
  virtual void drain() = 0;
  // ACTIVATE_VERSION: rows of older versions are to be removed (or soft-deleted). Called after
  // drain() of the records before it.
  virtual void activate_version(std::int64_t version) { (void)version; }
  // Called once at the end of the input, after the last drain().
  virtual void finish() {}
  // For loading in the background: takes the records taken so far out of the sink and returns
  // the job that makes them durable, which the target runs on its loader thread while this
  // sink takes more records. Empty (the default) when the sink loads in drain() instead.
  virtual std::function<void()> detach_batch() { return {}; }

 protected:
  const nlohmann::json &config() const { return config_; }
  const PluginContext &context() const { return context_; }

 private:
  StreamInfo info_;
  const nlohmann::json &config_;
  const PluginContext &context_;
};

// A sink that keeps records in a RecordBatch and loads them together in process_batch().
// Honours the target settings "batch_size_rows" (default 100000) and "batch_size_bytes"
// (default 64 MiB).
class BatchSink : public Sink {
 public:
  BatchSink(StreamInfo info, const nlohmann::json &target_config, const PluginContext &context);
  ~BatchSink() override;

  void process_record(const singer::RecordView &record, const RecordMeta &meta) override;
  bool is_full() const override;
  void drain() override;
  std::function<void()> detach_batch() override;

 protected:
  // Loads the batch durably. `metas[i]` belongs to `batch[i]`.
  virtual void process_batch(const singer::RecordBatch &batch,
                             const std::vector<RecordMeta> &metas) = 0;

  // Opts in to loading in the background: a full batch is loaded by process_batch() on the
  // target's loader thread while the sink fills a second batch (so up to two batches are held
  // in memory). The loop runs one load at a time and calls no other function of any sink of
  // the target (drain, activate_version, finish, make_sink) while one runs, so the sink and the
  // connection its target shares are used by one thread at a time; only process_record() and
  // is_full(), which touch the batch being filled, run meanwhile.
  void load_in_background() { background_ = true; }

  // Opts in to RecordBatch::fill_deletions() on "_sdc_deleted_at" before each process_batch():
  // a deletion record then carries the values its row got earlier in the same batch. The
  // batches count their deletions (RecordBatch::marked()) from then on.
  void fill_deletions_from_batch();

 private:
  struct Buffer;
  // Two buffers: one fills while the other may be loading. drain() and detach_batch() are only
  // called once an earlier load finished, so the other buffer is free again by then.
  std::unique_ptr<Buffer> buffers_[2];
  int filling_ = 0;
  bool background_ = false;
  bool fill_deletions_ = false;
  std::size_t max_rows_;
  std::size_t max_bytes_;
};

class Target {
 public:
  Target(PluginContext context, nlohmann::json config)
      : context_(context), config_(std::move(config)) {}
  virtual ~Target() = default;

  // Creates the sink of a stream. Called on its first SCHEMA, and again (after the old sink was
  // drained and finished) when a later SCHEMA for the stream differs.
  virtual std::unique_ptr<Sink> make_sink(const StreamInfo &info) = 0;

  // The Singer loop. Reads messages from in_fd until end of input:
  //  - SCHEMA: creates or replaces the stream's sink and its validator.
  //  - RECORD: validates it (unless "validate_records" is false) and hands it to the sink;
  //    drains every sink when one is full or the oldest pending record is older than
  //    "batch_wait_limit_seconds".
  //  - STATE: kept as pending; written to out_fd right after the next complete drain (at once
  //    when no sink holds undrained records). A later STATE replaces a pending one.
  //  - ACTIVATE_VERSION: drains the stream's sink, then sink->activate_version().
  //  - BATCH (Meltano): each record of its JSON Lines files (file:// URIs, gzip or plain) is
  //    handled as a RECORD of the stream; other formats, compressions and URI schemes, and
  //    files outside the folders setting batch_file_roots allows, are refused (FatalError)
  //    rather than dropped.
  // Sinks that load in the background (Sink::detach_batch()) are loaded on one loader thread
  // while the loop reads on; a STATE then waits for the load of the records before it.
  // A SCHEMA identical to the stream's current one changes nothing. At end of input: drain all,
  // finish all, write the pending state, and log a record_count metric per stream. Errors
  // (ProtocolError, validation, a sink's own) name the stream and the line.
  virtual void run(int in_fd, int out_fd);

  const nlohmann::json &config() const { return config_; }
  const PluginContext &context() const { return context_; }

 private:
  PluginContext context_;
  nlohmann::json config_;
};

// Settings every target accepts: validate_records, batch_size_rows, batch_size_bytes,
// batch_wait_limit_seconds, add_record_metadata, hard_delete, and batch_file_roots and
// batch_config (the folders BATCH files may be read from). CHORUS_PLUGIN merges them into a
// target's settings on its own; with_common_target_settings() does the same for code that needs
// the merged schema earlier.
nlohmann::json common_target_settings();

// `settings_schema` with every common target setting it does not declare itself added (its own
// declarations win).
nlohmann::json with_common_target_settings(nlohmann::json settings_schema);

}  // namespace chorus
