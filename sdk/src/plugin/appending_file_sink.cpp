#include "chorus/plugin/appending_file_sink.h"

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>

#include "chorus/plugin/key_properties.h"
#include "chorus/plugin/target_settings.h"
#include "plugin/kept_records.h"
#include "plugin/prefetch_line.h"

namespace chorus::file_output {
namespace {

// Chunks of records in the ring between the loop and the writer, and records per chunk: enough
// that either side rarely waits for the other, few enough that the ring takes a few megabytes.
constexpr std::size_t kChunks = 4;
constexpr std::size_t kChunkRecords = 4096;
// How many records ahead of the one it writes the writer asks a sink to prefetch: a few rows'
// time covers a load from memory.
constexpr std::size_t kPrefetchAhead = 8;

}  // namespace

// The writer thread and the ring of chunks it writes. Chunk `handed % kChunks` is the one the
// loop fills; chunks `written` up to `handed` (exclusive) wait for the writer, in order.
struct AppendingFileSink::Writer {
  KeptRecords chunks[kChunks];
  bool flush_after[kChunks] = {};  // per chunk: flush the file once it is written
  std::mutex mutex;
  std::condition_variable changed;
  std::size_t handed = 0;    // chunks handed over
  std::size_t written = 0;   // chunks written
  std::exception_ptr error;  // the writer's first error; it writes nothing after it
  bool stopping = false;
  std::thread thread;

  KeptRecords &filling() { return chunks[handed % kChunks]; }
};

AppendingFileSink::AppendingFileSink(StreamInfo info, const nlohmann::json &target_config,
                                     const PluginContext &context, const char *plugin,
                                     std::string path)
    : Sink(std::move(info), target_config, context),
      plugin_(plugin),
      path_(std::move(path)),
      rows_per_drain_(
          target_settings::positive_or_default(target_settings::kBatchSizeRows, target_config)),
      add_record_metadata_(target_settings::kAddRecordMetadata.read(target_config)),
      writer_(std::make_unique<Writer>()),
      // Remembers at least the keys of two batches: what a resume sends again is that recent.
      redelivered_(std::max<std::size_t>(500000, 2 * rows_per_drain_)) {
  key_properties::require_in_schema(this->info(), plugin_);
}

AppendingFileSink::~AppendingFileSink() { stop_writer(); }

void AppendingFileSink::process_record(const singer::RecordView &record, const RecordMeta &meta) {
  accept_record(record, meta);
  KeptRecords &chunk = writer_->filling();
  chunk.add(record, meta);
  ++taken_since_drain_;
  if (chunk.batch.size() >= kChunkRecords) hand_over();
}

void AppendingFileSink::write_chunks() {
  Writer &w = *writer_;
  std::unique_lock<std::mutex> lock(w.mutex);
  for (;;) {
    w.changed.wait(lock, [&] { return w.stopping || w.written < w.handed; });
    if (w.written == w.handed) return;  // stopping, and nothing left
    KeptRecords &chunk = w.chunks[w.written % kChunks];
    // After an error the chunks still handed over are only cleared: the run stops at the next
    // hand-over or drain.
    const bool failed = w.error != nullptr;
    lock.unlock();
    std::exception_ptr error;
    if (!failed) {
      try {
        const std::size_t count = chunk.batch.size();
        for (std::size_t i = 0; i < std::min(count, kPrefetchAhead); ++i) {
          prefetch_record(chunk.batch[i]);
        }
        for (std::size_t i = 0; i < count; ++i) {
          if (i + kPrefetchAhead < count) {
            // The loop's thread wrote these on the other core: a record's view spans two
            // cache lines, and the second (its time_extracted and version) is read only for
            // the metadata columns, late enough to stall on it.
            const singer::RecordView &ahead = chunk.batch[i + kPrefetchAhead];
            prefetch_line(&ahead);
            prefetch_line(reinterpret_cast<const char *>(&ahead) + sizeof ahead - 1);
            prefetch_line(&chunk.metas[i + kPrefetchAhead]);
            prefetch_record(ahead);
          }
          write_record(chunk.batch[i], chunk.metas[i]);
        }
      } catch (...) {
        error = std::current_exception();
      }
    }
    chunk.clear();
    if (!failed && !error && w.flush_after[w.written % kChunks]) {
      try {
        file_->flush();
        pending_rows_ = 0;  // the next row begins a new batch
      } catch (...) {
        error = std::current_exception();
      }
    }
    lock.lock();
    if (error) w.error = error;
    w.flush_after[w.written % kChunks] = false;
    ++w.written;
    w.changed.notify_all();
  }
}

std::size_t AppendingFileSink::hand_over(bool flush_after) {
  Writer &w = *writer_;
  if (w.filling().batch.empty() && !flush_after) return w.handed;
  if (!w.thread.joinable()) w.thread = std::thread([this] { write_chunks(); });
  std::unique_lock<std::mutex> lock(w.mutex);
  if (w.error) std::rethrow_exception(w.error);
  w.flush_after[w.handed % kChunks] = flush_after;
  ++w.handed;
  const std::size_t handed = w.handed;
  w.changed.notify_all();
  // The next chunk to fill must be written out already.
  w.changed.wait(lock, [&] { return w.handed - w.written < kChunks; });
  return handed;
}

void AppendingFileSink::wait_for_writer(std::size_t chunks) {
  Writer &w = *writer_;
  std::unique_lock<std::mutex> lock(w.mutex);
  w.changed.wait(lock, [&] { return w.written >= chunks; });
  if (w.error) std::rethrow_exception(w.error);
}

void AppendingFileSink::stop_writer() noexcept {
  Writer &w = *writer_;
  {
    std::lock_guard<std::mutex> lock(w.mutex);
    w.stopping = true;
  }
  w.changed.notify_all();
  if (w.thread.joinable()) w.thread.join();
}

void AppendingFileSink::drain() {
  if (auto job = detach_batch()) job();
}

std::function<void()> AppendingFileSink::detach_batch() {
  taken_since_drain_ = 0;
  if (!file_) return {};  // no record opened the file: nothing to make durable
  const std::size_t through = hand_over(true);
  return [this, through] {
    wait_for_writer(through);
    file_->sync_written();
  };
}

void AppendingFileSink::finish() {
  drain();
  if (skipped_ > 0) context().info(redelivery_summary(plugin_, stream(), skipped_, path_));
}

}  // namespace chorus::file_output
