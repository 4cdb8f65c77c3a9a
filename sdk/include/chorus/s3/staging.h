// Stages rows as compressed CSV files in S3 for a warehouse COPY.
//
//   chorus::s3::StagingWriter writer(client, options);
//   for (each record) {
//     writer.add_value(...); writer.add_null(); ...   // one call per column, in column order
//     writer.end_row();
//   }
//   StagedBatch batch = writer.finish();  // every file uploaded, manifest written
//   ... COPY ... MANIFEST 's3://bucket/<batch.manifest_key>' ...
//   delete_staged(client, batch);          // unless the user keeps staged files
//
// CSV is encoded on the calling thread, straight into 1 MiB chunks; compression runs on two
// threads (one on a single-core machine), each taking the next chunk of a file the other is not
// compressing, and hands each finished multipart part or file to a few upload threads, so
// uploads overlap compression. A caller that knows its row count (expected_rows: a batch held
// in memory) lets the writer fill the files two at a time and upload each pair while the next
// fills, so finish() is left with the last pair only. Memory stays bounded: a few chunks in
// flight, one part being filled per open file and at most six parts queued or uploading.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "chorus/s3/client.h"
#include "chorus/singer/message.h"

namespace chorus::s3 {

enum class Compression { None, Gzip, Zstd };
Compression parse_compression(std::string_view name);      // "none", "gzip", "zstd"; ConfigError
std::string_view file_extension(Compression compression);  // "", ".gz", ".zst"
// The word warehouses' COPY statements name it by (Redshift, Snowflake): "NONE", "GZIP", "ZSTD".
std::string_view copy_keyword(Compression compression);

enum class SplitMode {
  RoundRobin,  // chunks go to file_count files in turn: files of similar size
  Size,        // a file is closed after max_file_bytes of CSV and the next one begins
};
SplitMode parse_split_mode(std::string_view name);  // "round_robin", "size"; ConfigError

struct StagingOptions {
  std::string prefix;  // key prefix ("chorus/orders/20240101T000000Z-1/"); file names follow
  Compression compression = Compression::Zstd;
  int compression_level = 0;  // 0: the codec's fast default (zstd 1, gzip 1)
  SplitMode split = SplitMode::RoundRobin;
  std::size_t file_count = 4;  // RoundRobin
  // RoundRobin: the rows the caller will write, when it knows (a batch held in memory); 0 when
  // it does not. Knowing it, the writer fills the files a few at a time (as many as it
  // compresses at once), each with about expected_rows / file_count rows, and uploads a group of
  // files while the next one fills. Not knowing it, every file takes chunks until finish().
  std::uint64_t expected_rows = 0;
  std::size_t max_file_bytes = std::size_t{256} << 20;  // Size: uncompressed CSV per file
  std::size_t chunk_bytes = std::size_t{1} << 20;       // CSV handed to the worker at a time
  std::size_t part_bytes = std::size_t{8} << 20;        // multipart part size (>= 5 MiB)
};

struct StagedFile {
  std::string key;
  std::uint64_t rows = 0;
  std::uint64_t csv_bytes = 0;
  std::uint64_t stored_bytes = 0;  // after compression: the object's size
};

struct StagedBatch {
  std::string bucket;
  std::vector<StagedFile> files;  // only files that received rows
  std::string manifest_key;       // empty when there are no files
  std::string manifest_json;      // the Redshift manifest that was uploaded
  std::uint64_t rows = 0;
  std::uint64_t csv_bytes = 0;
  std::uint64_t stored_bytes = 0;
  Compression compression = Compression::Zstd;
};

// The Redshift manifest: {"entries":[{"url":"s3://b/k","mandatory":true,
// "meta":{"content_length":N}}]}.
std::string redshift_manifest(const std::string &bucket, const std::vector<StagedFile> &files);

class StagingWriter {
 public:
  // The writer's threads use Clients of their own, made from client.config(); `client` itself
  // is used only by finish() and abort(), on the calling thread.
  StagingWriter(Client &client, StagingOptions options);
  // Aborts (removes what was uploaded) when neither finish() nor abort() was called.
  ~StagingWriter();
  StagingWriter(const StagingWriter &) = delete;
  StagingWriter &operator=(const StagingWriter &) = delete;

  // One call per column of the row, then end_row(). See csv.h for the encoding.
  void add_null();
  void add_string(std::string_view text);
  void add_raw(std::string_view text);  // numbers and booleans, written unquoted
  void add_value(const singer::Value &value);
  void end_row();

  std::uint64_t rows() const { return rows_; }

  // Flushes, finishes every upload and writes the manifest. Throws (after removing whatever
  // it uploaded) when an upload failed.
  StagedBatch finish();
  // Stops and removes whatever was uploaded. Never throws.
  void abort() noexcept;

 private:
  void hand_over_chunk();
  void end_file_group();
  std::uint64_t group_end_row(std::size_t files_end) const;
  char *field_room(std::size_t bytes);  // the separator, then room for `bytes`
  void grow_chunk(std::size_t bytes);
  struct Worker;
  StagingOptions options_;
  std::unique_ptr<Worker> worker_;
  // Kept at its full size so fields are written in place; the first chunk_size_ bytes are CSV.
  std::string chunk_;
  std::size_t chunk_size_ = 0;
  bool first_field_ = true;
  std::uint64_t rows_ = 0;
  std::uint64_t chunk_rows_ = 0;
  std::size_t next_file_ = 0;
  // RoundRobin: chunks go in turn to the group of files [group_first_, group_first_ +
  // group_size_), which takes the rows up to group_end_row_.
  std::size_t group_first_ = 0;
  std::size_t group_size_ = 0;
  std::uint64_t group_end_row_ = 0;
  std::uint64_t current_file_bytes_ = 0;
  bool done_ = false;
};

// The keys of a batch's files and manifest.
std::vector<std::string> staged_keys(const StagedBatch &batch);
// Deletes a batch's files and manifest (DeleteObjects); throws DeleteObjectsError naming the
// keys S3 refused to delete.
void delete_staged(Client &client, const StagedBatch &batch);

// Reads a staged object back as CSV text (downloads and decompresses). For loaders that feed a
// COPY FROM STDIN themselves, and for tests.
std::string read_staged_object(Client &client, std::string_view key, Compression compression);

// Decompresses a whole gzip or zstd object.
std::string decompress(std::string_view data, Compression compression);

}  // namespace chorus::s3
