// Recognises records delivered again, for targets that append (files).
//
// Singer delivery is at least once: a resumed run re-sends what came after the last STATE the
// host stored, and an incremental tap re-sends the rows at its bookmark. A table target makes
// that harmless by upserting on the key; an appending target asks this filter instead. For a
// stream with key properties it remembers, per key, a digest of the latest row written, and
// tells whether a record would write that very row again. A record that changes anything about
// its key is new and is written; so is every record of a key not seen before.
//
//   RedeliveryFilter filter(remembered_keys);
//   // fed what the file already holds, then for every record to append:
//   if (filter.admit(key_digest, row_digest)) write(record);
//
// Memory is bounded: the filter remembers the keys written most recently, at least
// `remembered_keys` and at most twice as many (two generations; the older one is dropped when
// the newer one is full). Redeliveries are recent rows, so they are recognised; a key written
// long before is admitted again (a duplicate, never a loss). 16 bytes a slot; a full
// generation's table has 4/3 slots a key. Digests are 64-bit; two keys with the same digest
// also only cost a duplicate.
//
// A key that is one integer may instead go to admit(key, value, row). While such keys rise from
// record to record (a table read in key order, a file written so), each is new for certain:
// it is appended to a list kept in key order (two generations too, 24 bytes a key) instead of
// being looked up in the table, a write to memory just written instead of a random read. A key
// that does not rise is looked for in that list by binary search, then in the table; once such
// keys are more than a few (1/16 of the list, at least 64), the list's keys move into the table
// and every key goes there from then on.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace chorus::file_output {

// Builds a digest of a sequence of strings (each one's length counts, so "ab","c" and "a","bc"
// differ).
class Digest {
 public:
  void add(std::string_view part);
  // `part` marked with `tag` (a column name's digest, a value's kind): tells apart what
  // add(tag) then add(part) would, in one step.
  void add(std::uint64_t tag, std::string_view part);
  std::uint64_t value() const;

 private:
  std::uint64_t state_ = 0x9E3779B97F4A7C15ULL;
};

class RedeliveryFilter {
 public:
  explicit RedeliveryFilter(std::size_t remembered_keys = 500000);

  // True (and `row` becomes the key's latest row) unless `row` is already the key's latest row.
  bool admit(std::uint64_t key, std::uint64_t row);
  // admit(key, row) for a key that is one integer, `value` (`key` is its digest): keys that
  // rise are kept in key order (see above). The same key always comes with the same value.
  bool admit(std::uint64_t key, std::int64_t value, std::uint64_t row);
  // Whether the last key admitted rose above every key before it: the next one most likely
  // rises too and reads no slots, so a sink need not compute its digest ahead to prefetch.
  bool keys_rising() const { return last_rose_; }
  // Starts loading the slots admit(key, ...) will read: a sink calls it once it has the key's
  // digest, and computes the row's digest while the memory arrives. Nothing while keys rise.
  void prefetch(std::uint64_t key) const;

 private:
  // Memory for a table's slots: large tables on 2 MiB pages where the kernel offers them.
  template <class T>
  struct PageAllocator {
    using value_type = T;
    PageAllocator() = default;
    template <class U>
    explicit PageAllocator(const PageAllocator<U> &) {}
    T *allocate(std::size_t n) { return static_cast<T *>(allocate_bytes(n * sizeof(T))); }
    void deallocate(T *p, std::size_t n) { free_bytes(p, n * sizeof(T)); }
    bool operator==(const PageAllocator &) const { return true; }
    bool operator!=(const PageAllocator &) const { return false; }
  };
  static void *allocate_bytes(std::size_t bytes);
  static void free_bytes(void *p, std::size_t bytes);

  // An open-addressing table from key digest to row digest.
  class Table {
   public:
    // `full_slots`: the size it takes at once when it outgrows a small one.
    explicit Table(std::size_t full_slots) : full_slots_(full_slots) {}
    std::uint64_t *find(std::uint64_t key);
    void put(std::uint64_t key, std::uint64_t row);
    void prefetch(std::uint64_t key) const;
    std::size_t home(std::uint64_t key) const;
    std::size_t size() const { return used_; }
    std::size_t capacity() const { return slots_.size(); }
    // Empties the table, leaving it `slot_count` slots.
    void clear(std::size_t slot_count);

   private:
    struct Slot {
      std::uint64_t key = 0;  // 0: empty (admit() stores a key digest of 0 as 1)
      std::uint64_t row = 0;
    };
    void grow();
    std::vector<Slot, PageAllocator<Slot>> slots_;
    std::size_t used_ = 0;
    std::size_t full_slots_;
  };

  // A key that rose above every key before it, in the order of the list.
  struct RisingKey {
    std::int64_t value;
    std::uint64_t key;
    std::uint64_t row;
  };
  // The rising key `value` in the list, or nullptr.
  RisingKey *find_rising(std::int64_t value);
  // Moves the list's keys into the table, oldest first, and stops using the list.
  void retire_rising();

  std::size_t generation_keys_;
  Table current_;
  Table previous_;
  std::vector<RisingKey> rising_;  // the newer generation of rising keys, in key order
  std::vector<RisingKey> rising_previous_;
  bool use_rising_ = true;
  bool last_rose_ = false;
  std::size_t not_rising_ = 0;  // keys that did not rise while the list was in use
};

// The end-of-stream line an appending target logs when it left out `skipped` redelivered
// records of `stream` that were already the latest row of their key in `path`.
std::string redelivery_summary(std::string_view plugin, std::string_view stream,
                               std::uint64_t skipped, const std::string &path);

}  // namespace chorus::file_output
