#include <condition_variable>
#include <cstdio>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "chorus/plugin/errors.h"
#include "chorus/s3/csv.h"
#include "chorus/s3/staging.h"
#include "s3/stream_compressor.h"
#include "s3/upload_pool.h"

namespace chorus::s3 {

Compression parse_compression(std::string_view name) {
  if (name == "zstd") return Compression::Zstd;
  if (name == "gzip") return Compression::Gzip;
  if (name == "none") return Compression::None;
  throw ConfigError("unknown compression '" + std::string(name) + "': use zstd, gzip or none");
}

std::string_view file_extension(Compression compression) {
  switch (compression) {
    case Compression::Gzip:
      return ".gz";
    case Compression::Zstd:
      return ".zst";
    case Compression::None:
      break;
  }
  return "";
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

struct Chunk {
  std::size_t file = 0;
  std::string csv;
  std::uint64_t rows = 0;
};

// One staged file while it is being written.
struct OpenFile {
  StagedFile info;
  std::unique_ptr<StreamCompressor> compressor;
  std::string pending;    // compressed bytes not handed to an upload yet
  std::string upload_id;  // set once the file became a multipart upload
  int parts = 0;          // parts handed to the upload pool
  // Filled by the upload threads (index: part number - 1); guarded by Worker::mutex.
  std::vector<std::string> etags;
  bool completed = false;  // the multipart upload was completed
  bool stored = false;     // the object exists in S3; guarded by Worker::mutex
};

constexpr std::size_t kQueueDepth = 4;
// Concurrent uploads: enough to hide request latency and the server's per-object work behind
// compression; each holds at most one part in memory, and as many more may wait.
constexpr std::size_t kUploadThreads = 3;

}  // namespace

// Compresses on its own thread and hands finished parts and files to a small upload pool, so
// uploads overlap compression. The producer hands over CSV chunks through a bounded queue, and
// the pool bounds the parts in flight, so memory stays flat however far the producer is ahead.
struct StagingWriter::Worker {
  Client &client;
  const StagingOptions &options;
  std::deque<OpenFile> files;  // a deque: upload jobs keep pointers to its elements

  std::mutex mutex;
  std::condition_variable changed;
  std::deque<Chunk> queue;
  std::vector<std::string> spare;  // emptied chunk buffers, reused by the producer
  bool closing = false;
  bool cancelled = false;
  std::exception_ptr error;
  std::thread thread;
  // Last, so it is destroyed first: its jobs refer to the members above.
  std::unique_ptr<UploadPool> uploads;

  Worker(Client &c, const StagingOptions &o) : client(c), options(o) {
    thread = std::thread([this] { run(); });
  }

  // Blocks while the queue is full. Rethrows the worker's error, if any.
  void push(Chunk chunk) {
    std::unique_lock<std::mutex> lock(mutex);
    changed.wait(lock, [&] { return queue.size() < kQueueDepth || error; });
    if (error) std::rethrow_exception(error);
    queue.push_back(std::move(chunk));
    changed.notify_all();
  }

  std::string take_spare() {
    std::lock_guard<std::mutex> lock(mutex);
    if (spare.empty()) return {};
    std::string buffer = std::move(spare.back());
    spare.pop_back();
    return buffer;
  }

  // Waits for the worker to finish every upload. Rethrows its error.
  void close(bool cancel) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      closing = true;
      cancelled = cancel;
      changed.notify_all();
    }
    if (thread.joinable()) thread.join();
    if (error && !cancel) std::rethrow_exception(error);
  }

  void run() {
    for (;;) {
      Chunk chunk;
      {
        std::unique_lock<std::mutex> lock(mutex);
        changed.wait(lock, [&] { return !queue.empty() || closing; });
        if (queue.empty() || cancelled) break;
        chunk = std::move(queue.front());
        queue.pop_front();
        changed.notify_all();
      }
      try {
        if (!error) process(chunk);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex);
        error = std::current_exception();
        changed.notify_all();
      }
      chunk.csv.clear();
      std::lock_guard<std::mutex> lock(mutex);
      spare.push_back(std::move(chunk.csv));
    }
    try {
      if (!error && !cancelled) finish_files();
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex);
      error = std::current_exception();
    }
    // No upload may still run when the caller looks at what was stored or aborts.
    if (uploads) uploads->cancel();
    // Unfinished multipart uploads are aborted here, on the thread that owns the client.
    for (OpenFile &file : files) {
      if (file.upload_id.empty() || file.completed) continue;
      try {
        client.abort_multipart_upload(file.info.key, file.upload_id);
      } catch (...) {
        // The upload stays incomplete; a bucket lifecycle rule for incomplete multipart
        // uploads is the only remedy left, and the original error is the one worth reporting.
      }
    }
  }

  UploadPool &pool() {
    if (!uploads) uploads = std::make_unique<UploadPool>(client.config(), kUploadThreads);
    return *uploads;
  }

  // Hands the file's pending bytes to the pool as its next part.
  void upload_part(OpenFile &file) {
    if (file.upload_id.empty()) file.upload_id = client.create_multipart_upload(file.info.key);
    const int number = ++file.parts;
    {
      std::lock_guard<std::mutex> lock(mutex);
      file.etags.resize(static_cast<std::size_t>(number));
    }
    file.info.stored_bytes += file.pending.size();
    auto body = std::make_shared<std::string>(std::move(file.pending));
    file.pending = std::string();
    OpenFile *target = &file;
    pool().submit([this, target, number, body](Client &uploader) {
      std::string etag = uploader.upload_part(target->info.key, target->upload_id, number, *body);
      std::lock_guard<std::mutex> lock(mutex);
      target->etags[static_cast<std::size_t>(number - 1)] = std::move(etag);
    });
  }

  // Hands a whole file that never needed a multipart upload to the pool.
  void upload_object(OpenFile &file) {
    file.info.stored_bytes += file.pending.size();
    auto body = std::make_shared<std::string>(std::move(file.pending));
    file.pending = std::string();
    OpenFile *target = &file;
    pool().submit([this, target, body](Client &uploader) {
      uploader.put_object(target->info.key, *body);
      std::lock_guard<std::mutex> lock(mutex);
      target->stored = true;
    });
  }

  OpenFile &file_for(std::size_t index) {
    while (files.size() <= index) {
      OpenFile file;
      char name[32];
      std::snprintf(name, sizeof name, "part-%05zu.csv", files.size());
      file.info.key = options.prefix + name + std::string(file_extension(options.compression));
      file.compressor = make_compressor(options.compression, options.compression_level);
      files.push_back(std::move(file));
    }
    return files[index];
  }

  void process(const Chunk &chunk) {
    OpenFile &file = file_for(chunk.file);
    file.compressor->write(chunk.csv, file.pending);
    file.info.rows += chunk.rows;
    file.info.csv_bytes += chunk.csv.size();
    if (file.pending.size() >= std::max(options.part_bytes, MultipartUpload::kMinPartBytes)) {
      upload_part(file);
    }
  }

  void finish_files() {
    for (OpenFile &file : files) {
      if (file.info.rows == 0) continue;
      file.compressor->finish(file.pending);
      file.compressor.reset();
      if (!file.upload_id.empty()) {
        if (!file.pending.empty()) upload_part(file);
      } else {
        upload_object(file);
      }
    }
    if (uploads) uploads->wait();
    for (OpenFile &file : files) {
      if (file.upload_id.empty()) continue;
      client.complete_multipart_upload(file.info.key, file.upload_id, file.etags);
      file.completed = true;
      std::lock_guard<std::mutex> lock(mutex);
      file.stored = true;
    }
  }
};

StagingWriter::StagingWriter(Client &client, StagingOptions options)
    : options_(std::move(options)) {
  if (options_.file_count == 0) options_.file_count = 1;
  if (options_.chunk_bytes == 0) options_.chunk_bytes = std::size_t{1} << 20;
  worker_ = std::make_unique<Worker>(client, options_);
  chunk_.reserve(options_.chunk_bytes + 4096);
}

StagingWriter::~StagingWriter() {
  if (!done_) abort();
}

void StagingWriter::add_null() {
  if (!first_field_) chunk_.push_back(',');
  first_field_ = false;
}

void StagingWriter::add_string(std::string_view text) {
  if (!first_field_) chunk_.push_back(',');
  first_field_ = false;
  append_csv_quoted(chunk_, text);
}

void StagingWriter::add_raw(std::string_view text) {
  if (!first_field_) chunk_.push_back(',');
  first_field_ = false;
  chunk_.append(text);
}

void StagingWriter::add_value(const singer::Value &value) {
  if (!first_field_) chunk_.push_back(',');
  first_field_ = false;
  append_csv_value(chunk_, value);
}

void StagingWriter::end_row() {
  chunk_.push_back('\n');
  first_field_ = true;
  ++rows_;
  ++chunk_rows_;
  if (chunk_.size() >= options_.chunk_bytes) hand_over_chunk();
}

void StagingWriter::hand_over_chunk() {
  if (chunk_rows_ == 0) return;
  const std::size_t size = chunk_.size();
  std::string next = worker_->take_spare();
  next.reserve(options_.chunk_bytes + 4096);
  worker_->push(Chunk{next_file_, std::exchange(chunk_, std::move(next)), chunk_rows_});
  chunk_rows_ = 0;
  if (options_.split == SplitMode::RoundRobin) {
    next_file_ = (next_file_ + 1) % options_.file_count;
  } else {
    current_file_bytes_ += size;
    if (current_file_bytes_ >= options_.max_file_bytes) {
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
    worker_->close(false);
    for (const OpenFile &file : worker_->files) {
      if (file.info.rows == 0) continue;
      batch.files.push_back(file.info);
      batch.rows += file.info.rows;
      batch.csv_bytes += file.info.csv_bytes;
      batch.stored_bytes += file.info.stored_bytes;
    }
    if (!batch.files.empty()) {
      batch.manifest_key = options_.prefix + "manifest.json";
      batch.manifest_json = redshift_manifest(batch.bucket, batch.files);
      worker_->client.put_object(batch.manifest_key, batch.manifest_json, "application/json");
    }
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
  std::vector<std::string> stored;
  for (const OpenFile &file : worker_->files) {
    if (file.stored) stored.push_back(file.info.key);
  }
  try {
    if (!stored.empty()) worker_->client.delete_objects(stored);
  } catch (...) {
    // Best effort: the load has already failed, and that error is the one to report.
  }
}

void delete_staged(Client &client, const StagedBatch &batch) {
  std::vector<std::string> keys;
  for (const StagedFile &file : batch.files) keys.push_back(file.key);
  if (!batch.manifest_key.empty()) keys.push_back(batch.manifest_key);
  if (!keys.empty()) client.delete_objects(keys);
}

std::string read_staged_object(Client &client, std::string_view key, Compression compression) {
  return decompress(client.get_object(key), compression);
}

}  // namespace chorus::s3
