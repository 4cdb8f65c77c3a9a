// Owned copies of records, for sinks that load in batches.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "chorus/singer/message.h"

namespace chorus::singer {

// Copies records into a chunked arena so that the views it hands out stay valid until clear().
// Chunks are reused after clear(), so a steady stream does not allocate.
class RecordBatch {
 public:
  RecordBatch();
  ~RecordBatch();
  RecordBatch(RecordBatch &&) noexcept;
  RecordBatch &operator=(RecordBatch &&) noexcept;

  // Copies `record` in. `source` is the text its views may point into (the Singer line it was
  // parsed from): the part of it that holds the record's texts is copied as one block.
  void append(const RecordView &record, std::uint64_t line_number, std::string_view source = {});
  std::size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  std::size_t bytes() const { return bytes_; }  // bytes of text copied in
  const RecordView &operator[](std::size_t i) const { return records_[i]; }
  std::uint64_t line_number(std::size_t i) const { return line_numbers_[i]; }
  void clear();

  // Indices of the records to keep when the batch is de-duplicated on `key_properties`: the
  // last record of each key wins, and the result is in input order of those winners. With no
  // key properties, every index.
  std::vector<std::size_t> last_per_key(const std::vector<std::string> &key_properties) const;

  // A deletion record (one whose `marker` field, e.g. "_sdc_deleted_at", is set) takes every
  // field it lacks or carries as null from the last earlier record of the same key in this
  // batch, so that a change log's delete (the key and the marker only) keeps the values its
  // row was inserted or updated with earlier in the batch. Without key properties, nothing.
  void fill_deletions(const std::vector<std::string> &key_properties, std::string_view marker);

  // From now on counts, as records are appended, those whose `marker` field holds a value other
  // than null: a sink learns whether a batch has deletions without another pass over it (a
  // batch is larger than the cache, and a pass reads it from memory again), and
  // fill_deletions() on the same marker skips a batch that has none.
  void count_marked(std::string marker);
  // How many records appended since clear() carry the marker of count_marked() (0 without it).
  std::size_t marked() const { return marked_; }

  auto begin() const { return records_.cbegin(); }
  auto end() const { return records_.cbegin() + static_cast<std::ptrdiff_t>(count_); }

 private:
  std::string_view copy(std::string_view text);
  const char *copy_span(std::string_view text);  // copy() without a view of its own
  // The index of the last record before each record with the same key, or npos.
  std::vector<std::size_t> previous_of_same_key(
      const std::vector<std::string> &key_properties) const;
  // True when every record has `key` as a canonical integer (singer::canonical_integer) greater
  // than the record before's.
  bool single_key_increases(std::string_view key) const;
  struct Arena;
  std::unique_ptr<Arena> arena_;
  // Slots past count_ are kept after clear() so their field vectors keep their capacity.
  std::vector<RecordView> records_;
  std::size_t count_ = 0;
  std::vector<std::uint64_t> line_numbers_;
  std::size_t bytes_ = 0;
  std::string marker_;
  std::size_t marked_ = 0;
};

}  // namespace chorus::singer
