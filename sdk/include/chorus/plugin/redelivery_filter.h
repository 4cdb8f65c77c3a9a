// Recognises records delivered again, for targets that append (files).
//
// Singer delivery is at least once: a resumed run re-sends what came after the last STATE the
// host stored, and an incremental tap re-sends the rows at its bookmark. A table target makes
// that harmless by upserting on the key; an appending target asks this filter instead. For a
// stream with key properties it remembers, per key, a digest of the latest row written, and
// tells whether a record would write that very row again. A record that changes anything about
// its key is new and is written; so is every record of a key not seen before.
//
//   RedeliveryFilter filter;
//   // rebuilt from what the file already holds, then for every record to append:
//   if (filter.admit(key_digest, row_digest)) write(record);
//
// Digests are 64-bit; two different keys with the same digest only make the filter admit a row
// it could have skipped (a duplicate, never a loss). Memory: 16 bytes a slot, fewer than three
// slots a key.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace chorus::file_output {

// Builds a digest of a sequence of strings (each one's length counts, so "ab","c" and "a","bc"
// differ).
class Digest {
 public:
  void add(std::string_view part);
  void add(std::uint64_t number);
  std::uint64_t value() const;

 private:
  std::uint64_t state_ = 0x9E3779B97F4A7C15ULL;
};

class RedeliveryFilter {
 public:
  // True (and `row` becomes the key's latest row) unless `row` is already the key's latest row.
  bool admit(std::uint64_t key, std::uint64_t row);
  std::size_t keys() const { return used_; }

 private:
  struct Slot {
    std::uint64_t key = 0;  // 0: empty (a real key digest of 0 is stored as 1)
    std::uint64_t row = 0;
  };
  void grow();

  std::vector<Slot> slots_;
  std::size_t used_ = 0;
};

}  // namespace chorus::file_output
