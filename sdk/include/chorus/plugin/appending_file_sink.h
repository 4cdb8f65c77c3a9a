// What the sinks of the file targets (target-csv, target-jsonl) share: one file per stream,
// appended to on every run, made durable on every drain, and the records a resumed run sends
// again left out when they are already their key's latest row (see redelivery_filter.h).
//
// Rows are written on a writer thread while the target's loop reads and validates the next
// records: the loop copies each record into a chunk of a few thousand, and full chunks go to
// the writer through a small ring (written one at a time, in order). A derived sink checks each
// record and opens file_ on the loop's thread (accept_record, so that such an error names the
// record's line), and writes rows on the writer thread (write_record), counting them in
// pending_rows_ and the redelivered ones it leaves out in skipped_.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "chorus/plugin/output_file.h"
#include "chorus/plugin/redelivery_filter.h"
#include "chorus/plugin/target.h"

namespace chorus::file_output {

class AppendingFileSink : public Sink {
 private:
  const char *plugin_;
  std::string path_;
  std::size_t rows_per_drain_;
  bool add_record_metadata_;

 public:
  ~AppendingFileSink() override;

  // accept_record() on this thread, then the record is copied for the writer.
  void process_record(const singer::RecordView &record, const RecordMeta &meta) final;
  bool is_full() const override { return taken_since_drain_ >= rows_per_drain_; }
  // Waits until every record taken is written, then syncs the file (nothing before the first
  // record opened it). An error of the writer is raised here or at the next full chunk.
  void drain() override;
  // What drain() does, as a job for the target's loader thread: the writer flushes the file
  // after the records taken so far, and the job waits for that and syncs the file while this
  // sink takes, and the writer writes, the next records. The target holds the STATE back until
  // the job is done, so a STATE never covers a row that is not on disk.
  std::function<void()> detach_batch() override;
  // Drains, and logs how many redelivered records were left out.
  void finish() override;

 protected:
  // Refuses a stream whose key properties are not in its schema, naming `plugin`. Reads
  // batch_size_rows and add_record_metadata from `target_config`.
  AppendingFileSink(StreamInfo info, const nlohmann::json &target_config,
                    const PluginContext &context, const char *plugin, std::string path);

  // On the loop's thread, before the record is taken: refuses it or opens file_.
  virtual void accept_record(const singer::RecordView &record, const RecordMeta &meta) = 0;
  // On the writer thread: appends the record's row to file_ (or leaves it out).
  virtual void write_record(const singer::RecordView &record, const RecordMeta &meta) = 0;
  // On the writer thread, a few records before write_record(record): a sink that looks the
  // record's key up in redelivered_ starts loading its slots here, so that the memory arrives
  // while the rows before it are written. A hint only: it changes nothing.
  virtual void prefetch_record(const singer::RecordView & /*record*/) {}
  // Lets the writer finish what it was handed and ends its thread, without raising its error.
  // A derived sink's destructor calls it first: the writer uses the derived sink's members.
  void stop_writer() noexcept;

  const char *plugin() const { return plugin_; }
  const std::string &path() const { return path_; }
  // Whether rows get the _sdc_ metadata columns (add_record_metadata).
  bool add_record_metadata() const { return add_record_metadata_; }

  std::unique_ptr<OutputFile> file_;

 private:
  struct Writer;
  // The loop's thread reads writer_ and counts taken_since_drain_ for every record, and the
  // writer thread writes the members from redelivered_ on for every row: the two groups start
  // cache lines of their own, so that neither thread's writes take the other's lines away
  // (in target-csv that sharing had cost the loop's thread about a sixth of its time and the
  // writer about an eighth).
  static constexpr std::size_t kCacheLine = 64;
  alignas(kCacheLine) std::unique_ptr<Writer> writer_;
  std::size_t taken_since_drain_ = 0;  // records taken since the last drain (loop's thread)

 protected:
  // The writer thread's: derived sinks declare their own writer-side members after these.
  alignas(kCacheLine) RedeliveryFilter redelivered_;  // sized from rows_per_drain_, so after it
  std::string batched_at_;                            // when the batch being written began
  std::size_t pending_rows_ = 0;  // rows written since the last flush for a drain (writer thread)
  std::uint64_t skipped_ = 0;     // records identical to their key's latest row

 private:
  // Hands the chunk being filled to the writer, once it finished the one before. With
  // `flush_after`, the writer flushes the file after writing it (an empty chunk is handed over
  // for that too); returns how many chunks have been handed over then.
  std::size_t hand_over(bool flush_after = false);
  // Waits until the writer has written the first `chunks` chunks handed over; raises its error.
  void wait_for_writer(std::size_t chunks);
  void write_chunks();  // the writer thread
};

}  // namespace chorus::file_output
