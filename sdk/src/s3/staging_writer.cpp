#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <utility>
#include <vector>

#include "chorus/plugin/errors.h"
#include "chorus/s3/csv.h"
#include "chorus/s3/staging.h"
#include "s3/byte_buffer.h"
#include "s3/stream_compressor.h"
#include "s3/upload_pool.h"

namespace chorus::s3 {

namespace {

// A compression's setting value, COPY keyword and staged file extension.
struct CompressionNames {
  Compression compression;
  std::string_view setting;
  std::string_view copy_keyword;
  std::string_view file_extension;
};

constexpr CompressionNames kCompressions[] = {
    {Compression::None, "none", "NONE", ""},
    {Compression::Gzip, "gzip", "GZIP", ".gz"},
    {Compression::Zstd, "zstd", "ZSTD", ".zst"},
};

const CompressionNames &names_of(Compression compression) {
  for (const CompressionNames &names : kCompressions) {
    if (names.compression == compression) return names;
  }
  return kCompressions[0];
}

}  // namespace

Compression parse_compression(std::string_view name) {
  for (const CompressionNames &names : kCompressions) {
    if (names.setting == name) return names.compression;
  }
  throw ConfigError("unknown compression '" + std::string(name) + "': use zstd, gzip or none");
}

std::string_view copy_keyword(Compression compression) {
  return names_of(compression).copy_keyword;
}

std::string_view file_extension(Compression compression) {
  return names_of(compression).file_extension;
}

SplitMode parse_split_mode(std::string_view name) {
  if (name == "round_robin") return SplitMode::RoundRobin;
  if (name == "size") return SplitMode::Size;
  throw ConfigError("unknown split mode '" + std::string(name) + "': use round_robin or size");
}

std::string redshift_manifest(const std::string &bucket, const std::vector<StagedFile> &files) {
  nlohmann::json entries = nlohmann::json::array();
  for (const StagedFile &file : files) {
    entries.push_back({{"url", "s3://" + bucket + "/" + file.key},
                       {"mandatory", true},
                       {"meta", {{"content_length", file.stored_bytes}}}});
  }
  return nlohmann::json{{"entries", entries}}.dump();
}

namespace {

// A unit of work for the compressor threads: a chunk of CSV for a file, or the end of a file.
struct Task {
  enum class Kind { Chunk, Finish };
  Kind kind = Kind::Chunk;
  std::size_t file = 0;
  std::string csv;  // its first `size` bytes are the chunk (the rest is room, kept for reuse)
  std::size_t size = 0;
  std::uint64_t rows = 0;
};

// One staged file while it is being written. Only one compressor thread works on a file at a
// time (`busy`), so its compressor and counters need no lock.
struct OpenFile {
  StagedFile info;
  std::unique_ptr<StreamCompressor> compressor;
  ByteBuffer pending;     // compressed bytes not handed to an upload yet
  std::string upload_id;  // set once the file became a multipart upload
  int parts = 0;          // parts handed to the upload pool
  // Filled by the upload threads (index: part number - 1); guarded by Worker::mutex.
  std::vector<UploadedPart> parts_uploaded;
  bool busy = false;       // a compressor thread is working on it; guarded by Worker::mutex
  bool completed = false;  // the multipart upload was completed
  bool stored = false;     // the object exists in S3; guarded by Worker::mutex
};

// CSV chunks queued for the compressor threads: enough that a thread always has work while the
// producer runs ahead a little, few enough that memory stays flat.
constexpr std::size_t kQueueDepth = 4;
// Concurrent uploads: enough to hide request latency and the server's per-object work behind
// compression; each holds at most one part in memory, and as many more may wait.
constexpr std::size_t kUploadThreads = 3;
// Compressed buffers kept for reuse once uploaded, so their pages are not faulted in again.
constexpr std::size_t kSpareBuffers = 4;
// Room past chunk_bytes: a chunk is handed over at the first row end after chunk_bytes, so most
// rows fit without growing the buffer.
constexpr std::size_t kChunkSlack = 64 << 10;

// Two compressor threads: with the producer (parsing and CSV encoding) on one core, the second
// thread lets compression use the other core and any time the producer leaves free; files are
// independent zstd streams, so two of them compress at once.
std::size_t compressor_threads() { return std::thread::hardware_concurrency() >= 2 ? 2 : 1; }

}  // namespace

// Compresses on a few threads and hands finished parts and files to a small upload pool, so
// compression uses every core and uploads overlap it. The producer hands over CSV chunks
// through a bounded queue, and the pool bounds the parts in flight, so memory stays flat however
// far the producer is ahead.
struct StagingWriter::Worker {
  Client &client;
  const StagingOptions &options;
  const std::size_t part_threshold;

  std::mutex mutex;
  std::condition_variable changed;
  std::deque<OpenFile> files;  // a deque: elements stay put while it grows (under `mutex`)
  std::deque<Task> queue;
  std::size_t queued_chunks = 0;
  std::vector<std::string> spare;  // chunk buffers compressed already, reused by the producer
  std::vector<ByteBuffer> spare_buffers;
  bool closing = false;
  bool cancelled = false;
  std::exception_ptr error;
  std::string stored_manifest;  // the manifest's key once it is stored
  // A Client per compressor thread, for starting multipart uploads.
  std::vector<std::unique_ptr<Client>> thread_clients;
  std::vector<std::thread> threads;
  // Last, so it is destroyed first: its jobs refer to the members above.
  std::unique_ptr<UploadPool> uploads;

  Worker(Client &c, const StagingOptions &o)
      : client(c),
        options(o),
        part_threshold(std::max(options.part_bytes, MultipartUpload::kMinPartBytes)) {
    uploads = std::make_unique<UploadPool>(client.config(), kUploadThreads);
    const std::size_t count = compressor_threads();
    for (std::size_t i = 0; i < count; ++i) {
      thread_clients.push_back(std::make_unique<Client>(client.config()));
    }
    for (std::size_t i = 0; i < count; ++i) {
      Client &own = *thread_clients[i];
      threads.emplace_back([this, &own] { run(own); });
    }
  }

  ~Worker() { close(true); }

  // Creates the files up to `index`; the caller holds `mutex`.
  void open_files_through(std::size_t index) {
    while (files.size() <= index) {
      OpenFile &file = files.emplace_back();
      char name[32];
      std::snprintf(name, sizeof name, "part-%05zu.csv", files.size() - 1);
      file.info.key = options.prefix + name + std::string(file_extension(options.compression));
    }
  }

  // Blocks while the queue is full. Rethrows a compressor thread's error, if any.
  void push(Task task) {
    std::unique_lock<std::mutex> lock(mutex);
    if (task.kind == Task::Kind::Chunk) {
      changed.wait(lock, [&] { return queued_chunks < kQueueDepth || error; });
      ++queued_chunks;
    }
    if (error) std::rethrow_exception(error);
    open_files_through(task.file);
    queue.push_back(std::move(task));
    changed.notify_all();
  }

  // Ends the `count` files from `first` on, beginning with `oldest` and going round, so the
  // file whose last chunk was queued longest ago is uploaded first.
  void finish_files(std::size_t first, std::size_t count, std::size_t oldest) {
    for (std::size_t i = 0; i < count; ++i) {
      Task task;
      task.kind = Task::Kind::Finish;
      task.file = first + (oldest - first + i) % count;
      push(std::move(task));
    }
  }

  // Ends every file that was not ended yet (finishing a file twice does nothing).
  void finish_open_files(std::size_t oldest) {
    std::size_t count = 0;
    {
      std::lock_guard<std::mutex> lock(mutex);
      count = files.size();
    }
    if (count > 0) finish_files(0, count, std::min(oldest, count - 1));
  }

  std::string take_spare() {
    std::lock_guard<std::mutex> lock(mutex);
    if (spare.empty()) return {};
    std::string buffer = std::move(spare.back());
    spare.pop_back();
    return buffer;
  }

  // Stops the compressor threads after the queue is done (or at once when cancelling). Rethrows
  // their error unless cancelling. Uploads may still be running afterwards.
  void close(bool cancel) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      closing = true;
      if (cancel) cancelled = true;
      changed.notify_all();
    }
    for (std::thread &thread : threads) {
      if (thread.joinable()) thread.join();
    }
    if (error && !cancel) std::rethrow_exception(error);
  }

  // The first queued task whose file no other thread is working on. Being the first of its file
  // in the queue, it keeps each file's tasks in order. The caller holds `mutex`.
  std::deque<Task>::iterator next_task() {
    for (auto it = queue.begin(); it != queue.end(); ++it) {
      if (!files[it->file].busy) return it;
    }
    return queue.end();
  }

  void run(Client &own) {
    std::unique_lock<std::mutex> lock(mutex);
    for (;;) {
      auto next = queue.end();
      changed.wait(lock, [&] {
        if (cancelled) return true;
        next = next_task();
        return next != queue.end() || (closing && queue.empty());
      });
      if (cancelled || next == queue.end()) break;
      Task task = std::move(*next);
      queue.erase(next);
      if (task.kind == Task::Kind::Chunk) --queued_chunks;
      OpenFile &file = files[task.file];
      file.busy = true;
      const bool failed = error != nullptr;
      changed.notify_all();
      lock.unlock();
      std::exception_ptr failure;
      try {
        if (!failed) process(own, file, task);
      } catch (...) {
        failure = std::current_exception();
      }
      lock.lock();
      file.busy = false;
      if (failure && !error) error = failure;
      // A buffer that grew for an unusually wide row is let go rather than kept.
      if (task.kind == Task::Kind::Chunk && task.csv.size() <= options.chunk_bytes + kChunkSlack) {
        spare.push_back(std::move(task.csv));
      }
      changed.notify_all();
    }
  }

  void process(Client &own, OpenFile &file, Task &task) {
    if (task.kind == Task::Kind::Finish) {
      finish_file(own, file);
      return;
    }
    if (!file.compressor) {
      file.compressor = make_compressor(options.compression, options.compression_level);
      file.pending = take_buffer();
    }
    file.compressor->write(std::string_view(task.csv.data(), task.size), file.pending);
    file.info.rows += task.rows;
    file.info.csv_bytes += task.size;
    if (file.pending.size() >= part_threshold) upload_part(own, file);
  }

  void finish_file(Client &own, OpenFile &file) {
    if (!file.compressor) return;  // ended already, or never received rows
    file.compressor->finish(file.pending);
    file.compressor.reset();
    if (!file.upload_id.empty()) {
      if (!file.pending.empty()) upload_part(own, file);
    } else {
      upload_object(file);
    }
  }

  // A buffer for a file's next part, sized so a part never has to grow.
  ByteBuffer take_buffer() {
    ByteBuffer buffer;
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (!spare_buffers.empty()) {
        buffer = std::move(spare_buffers.back());
        spare_buffers.pop_back();
      }
    }
    buffer.clear();
    buffer.reserve(part_threshold + options.chunk_bytes + (std::size_t{1} << 20));
    return buffer;
  }

  // Keeps an uploaded body for reuse; the caller holds `mutex`.
  void recycle(ByteBuffer &buffer) {
    if (spare_buffers.size() < kSpareBuffers) spare_buffers.push_back(std::move(buffer));
  }

  // Hands the file's pending bytes to the pool as its next part.
  void upload_part(Client &own, OpenFile &file) {
    if (file.upload_id.empty()) file.upload_id = own.create_multipart_upload(file.info.key);
    const int number = ++file.parts;
    {
      std::lock_guard<std::mutex> lock(mutex);
      file.parts_uploaded.resize(static_cast<std::size_t>(number));
    }
    file.info.stored_bytes += file.pending.size();
    auto body = std::make_shared<ByteBuffer>(std::exchange(file.pending, ByteBuffer()));
    if (file.compressor) file.pending = take_buffer();
    OpenFile *target = &file;
    uploads->submit([this, target, number, body](Client &uploader) {
      UploadedPart part{
          uploader.upload_part(target->info.key, target->upload_id, number, body->view()),
          body->size()};
      std::lock_guard<std::mutex> lock(mutex);
      target->parts_uploaded[static_cast<std::size_t>(number - 1)] = std::move(part);
      recycle(*body);
    });
  }

  // Hands a whole file that never needed a multipart upload to the pool.
  void upload_object(OpenFile &file) {
    file.info.stored_bytes += file.pending.size();
    auto body = std::make_shared<ByteBuffer>(std::exchange(file.pending, ByteBuffer()));
    OpenFile *target = &file;
    uploads->submit([this, target, body](Client &uploader) {
      uploader.put_object(target->info.key, body->view());
      std::lock_guard<std::mutex> lock(mutex);
      target->stored = true;
      recycle(*body);
    });
  }

  // After close(): waits for every upload, then completes the multipart uploads on the pool.
  void complete_uploads() {
    uploads->wait();
    for (OpenFile &file : files) {
      if (file.upload_id.empty() || file.completed) continue;
      OpenFile *target = &file;
      uploads->submit([this, target](Client &uploader) {
        uploader.complete_multipart_upload(target->info.key, target->upload_id,
                                           target->parts_uploaded);
        std::lock_guard<std::mutex> lock(mutex);
        target->completed = true;
        target->stored = true;
      });
    }
    uploads->wait();
  }

  // After close(true): stops the uploads, aborts unfinished multipart uploads and removes every
  // object stored so far. Never throws.
  void remove_uploaded() noexcept {
    uploads->cancel();
    std::vector<std::string> stored;
    for (OpenFile &file : files) {
      if (file.stored) stored.push_back(file.info.key);
      if (file.upload_id.empty() || file.completed) continue;
      // A completion that failed may have gone through all the same: the key goes too.
      stored.push_back(file.info.key);
      try {
        client.abort_multipart_upload(file.info.key, file.upload_id);
      } catch (...) {
        // The upload stays incomplete; a bucket lifecycle rule for incomplete multipart
        // uploads is the only remedy left, and the original error is the one worth reporting.
      }
    }
    if (!stored_manifest.empty()) stored.push_back(stored_manifest);
    try {
      if (!stored.empty()) client.delete_objects(stored);
    } catch (...) {
      // Best effort: the load has already failed, and that error is the one to report.
    }
  }
};

StagingWriter::StagingWriter(Client &client, StagingOptions options)
    : options_(std::move(options)) {
  if (options_.file_count == 0) options_.file_count = 1;
  if (options_.chunk_bytes == 0) options_.chunk_bytes = std::size_t{1} << 20;
  worker_ = std::make_unique<Worker>(client, options_);
  chunk_.resize(options_.chunk_bytes + kChunkSlack);
  group_size_ = options_.file_count;
  group_end_row_ = UINT64_MAX;
  if (options_.split == SplitMode::RoundRobin && options_.expected_rows > 0) {
    // A group as wide as the compressor threads keeps them all busy; a file is finished and
    // uploaded as soon as its group has its rows.
    group_size_ = std::min(options_.file_count, compressor_threads());
    group_end_row_ = group_end_row(group_first_ + group_size_);
  }
}

// The row after the last one of the files before `files_end`, each taking 1/file_count of the
// expected rows; no end for the last group, which also takes any rows beyond the expected ones.
std::uint64_t StagingWriter::group_end_row(std::size_t files_end) const {
  if (files_end >= options_.file_count) return UINT64_MAX;
  return options_.expected_rows * files_end / options_.file_count;
}

StagingWriter::~StagingWriter() {
  if (!done_) abort();
}

void StagingWriter::grow_chunk(std::size_t bytes) {
  chunk_.resize(std::max(chunk_size_ + bytes, 2 * chunk_.size()));
}

// Writes the separator a field needs and returns where the field's `bytes` (at most) go; the
// caller sets chunk_size_ to the end of what it wrote.
char *StagingWriter::field_room(std::size_t bytes) {
  if (chunk_.size() - chunk_size_ < bytes + 1) grow_chunk(bytes + 1);
  char *out = chunk_.data() + chunk_size_;
  if (!first_field_) *out++ = ',';
  first_field_ = false;
  return out;
}

void StagingWriter::add_null() {
  chunk_size_ = static_cast<std::size_t>(field_room(0) - chunk_.data());
}

void StagingWriter::add_string(std::string_view text) {
  char *out = write_csv_quoted(field_room(2 * text.size() + 2), text);
  chunk_size_ = static_cast<std::size_t>(out - chunk_.data());
}

void StagingWriter::add_raw(std::string_view text) {
  char *out = field_room(text.size());
  std::memcpy(out, text.data(), text.size());
  chunk_size_ = static_cast<std::size_t>(out + text.size() - chunk_.data());
}

void StagingWriter::add_value(const singer::Value &value) {
  char *out = write_csv_value(field_room(csv_bound(value)), value);
  chunk_size_ = static_cast<std::size_t>(out - chunk_.data());
}

void StagingWriter::end_row() {
  if (chunk_size_ == chunk_.size()) grow_chunk(1);
  chunk_[chunk_size_++] = '\n';
  first_field_ = true;
  ++rows_;
  ++chunk_rows_;
  if (rows_ == group_end_row_) {
    end_file_group();
  } else if (chunk_size_ >= options_.chunk_bytes) {
    hand_over_chunk();
  }
}

// The group's files have their rows: they are finished (their last chunks compressed, then
// uploaded) while the next group fills.
void StagingWriter::end_file_group() {
  hand_over_chunk();
  worker_->finish_files(group_first_, group_size_, next_file_);
  group_first_ += group_size_;
  group_size_ = std::min(group_size_, options_.file_count - group_first_);
  group_end_row_ = group_end_row(group_first_ + group_size_);
  next_file_ = group_first_;
}

void StagingWriter::hand_over_chunk() {
  if (chunk_rows_ == 0) return;
  std::string next = worker_->take_spare();
  // A new buffer is sized (and zero-filled) once; reused ones keep their size.
  if (next.size() < options_.chunk_bytes + kChunkSlack)
    next.resize(options_.chunk_bytes + kChunkSlack);
  Task task;
  task.file = next_file_;
  task.csv = std::exchange(chunk_, std::move(next));
  task.size = std::exchange(chunk_size_, 0);
  task.rows = chunk_rows_;
  const std::size_t size = task.size;
  worker_->push(std::move(task));
  chunk_rows_ = 0;
  if (options_.split == SplitMode::RoundRobin) {
    next_file_ = group_first_ + (next_file_ - group_first_ + 1) % group_size_;
  } else {
    current_file_bytes_ += size;
    if (current_file_bytes_ >= options_.max_file_bytes) {
      // The file is complete: compress its tail and upload it while the next one fills.
      Task finish;
      finish.kind = Task::Kind::Finish;
      finish.file = next_file_;
      worker_->push(std::move(finish));
      ++next_file_;
      current_file_bytes_ = 0;
    }
  }
}

StagedBatch StagingWriter::finish() {
  StagedBatch batch;
  batch.bucket = worker_->client.config().bucket;
  batch.compression = options_.compression;
  try {
    hand_over_chunk();
    // In round-robin order, next_file_ is the file that received its last chunk longest ago.
    worker_->finish_open_files(options_.split == SplitMode::RoundRobin ? next_file_ : 0);
    worker_->close(false);
    for (const OpenFile &file : worker_->files) {
      if (file.info.rows == 0) continue;
      batch.files.push_back(file.info);
      batch.rows += file.info.rows;
      batch.csv_bytes += file.info.csv_bytes;
      batch.stored_bytes += file.info.stored_bytes;
    }
    if (!batch.files.empty()) {
      // Every file's size is known once compression ends, so the manifest is written while
      // the last files are still uploading; nothing reads it before finish() returns.
      batch.manifest_key = options_.prefix + "manifest.json";
      batch.manifest_json = redshift_manifest(batch.bucket, batch.files);
      worker_->client.put_object(batch.manifest_key, batch.manifest_json, "application/json");
      worker_->stored_manifest = batch.manifest_key;
    }
    worker_->complete_uploads();
  } catch (...) {
    abort();
    throw;
  }
  done_ = true;
  return batch;
}

void StagingWriter::abort() noexcept {
  if (done_) return;
  done_ = true;
  worker_->close(true);
  worker_->remove_uploaded();
}

std::vector<std::string> staged_keys(const StagedBatch &batch) {
  std::vector<std::string> keys;
  for (const StagedFile &file : batch.files) keys.push_back(file.key);
  if (!batch.manifest_key.empty()) keys.push_back(batch.manifest_key);
  return keys;
}

void delete_staged(Client &client, const StagedBatch &batch) {
  std::vector<std::string> keys = staged_keys(batch);
  if (!keys.empty()) client.delete_objects(keys);
}

std::string read_staged_object(Client &client, std::string_view key, Compression compression) {
  return decompress(client.get_object(key), compression);
}

}  // namespace chorus::s3
