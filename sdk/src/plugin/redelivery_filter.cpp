#include "chorus/plugin/redelivery_filter.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <new>
#include <utility>

#include "plugin/prefetch_line.h"
#include "singer/word_scan.h"

namespace chorus::file_output {
namespace {

// The finalizer of MurmurHash3: spreads every input bit over the whole word.
std::uint64_t mix(std::uint64_t x) {
  x ^= x >> 33;
  x *= 0xFF51AFD7ED558CCDULL;
  x ^= x >> 33;
  x *= 0xC4CEB9FE1A85EC53ULL;
  x ^= x >> 33;
  return x;
}

// The last `size` (1 to 7) bytes of `part` as a word that holds nothing else (zeros). A part
// of 8 bytes or more gives them with one load of its last 8 bytes, shifted.
std::uint64_t tail_word(std::string_view part, std::size_t size) {
  const char *const end = part.data() + part.size();
  if (word_scan::kCanLocate && part.size() >= 8)
    return word_scan::load(end - 8) >> (8 * (8 - size));
  return word_scan::load_short(end - size, size, 0);
}

// Eight bytes a step, each step a multiply and a shift, from `start`; the length goes in first,
// so that "ab","c" and "a","bc" differ. Each step is a bijection of the running value, so two
// starts differ after the same bytes too.
std::uint64_t absorb(std::uint64_t start, std::string_view part) {
  constexpr std::uint64_t kMultiplier = 0x9FB21C651E98DF25ULL;
  std::uint64_t h = start ^ (static_cast<std::uint64_t>(part.size()) * kMultiplier);
  const char *p = part.data();
  std::size_t left = part.size();
  for (; left >= 8; p += 8, left -= 8) {
    h = (h ^ word_scan::load(p)) * kMultiplier;
    h ^= h >> 28;
  }
  if (left > 0) {
    h = (h ^ tail_word(part, left)) * kMultiplier;
    h ^= h >> 28;
  }
  return h;
}

}  // namespace

void Digest::add(std::string_view part) { state_ = mix(absorb(state_, part)); }

void Digest::add(std::uint64_t tag, std::string_view part) {
  state_ = mix(absorb(state_ ^ tag, part));
}

std::uint64_t Digest::value() const { return state_; }

// A key's slot is random, so with 4 KiB pages a lookup in a table of many megabytes is nearly
// always a TLB miss as well as a cache miss; on 2 MiB pages (transparent huge pages, which the
// kernel gives to memory that asks for them) it is only the latter.
constexpr std::size_t kHugePage = std::size_t{2} << 20;

// Large tables are mapped on their own (and unmapped when dropped): a generation's tables grow
// by doubling and are then dropped, and the heap would keep every size it once held.
std::size_t mapped_size(std::size_t bytes) {
  return (bytes + kHugePage - 1) / kHugePage * kHugePage;
}

void *RedeliveryFilter::allocate_bytes(std::size_t bytes) {
  if (bytes < kHugePage) return ::operator new(bytes);
  const std::size_t size = mapped_size(bytes);
  // One huge page more than needed, so that a 2 MiB-aligned range fits; the rest is unmapped.
  void *mapped =
      ::mmap(nullptr, size + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapped == MAP_FAILED) throw std::bad_alloc();
  char *const start = static_cast<char *>(mapped);
  const std::size_t misalignment = reinterpret_cast<std::uintptr_t>(start) % kHugePage;
  char *const aligned = start + (misalignment == 0 ? 0 : kHugePage - misalignment);
  if (aligned > start) ::munmap(start, static_cast<std::size_t>(aligned - start));
  char *const end = aligned + size;
  if (start + size + kHugePage > end) {
    ::munmap(end, static_cast<std::size_t>(start + size + kHugePage - end));
  }
  ::madvise(aligned, size, MADV_HUGEPAGE);  // only advice: without it, 4 KiB pages
  return aligned;
}

void RedeliveryFilter::free_bytes(void *p, std::size_t bytes) {
  if (bytes < kHugePage) {
    ::operator delete(p);
  } else {
    ::munmap(p, mapped_size(bytes));
  }
}

// The slot a key's probe starts at: the key's hash scaled to the table's size (any size, not
// only a power of two, so that a full table is no larger than its load limit needs).
std::size_t RedeliveryFilter::Table::home(std::uint64_t key) const {
  return static_cast<std::size_t>(((mix(key) >> 32) * slots_.size()) >> 32);
}

void RedeliveryFilter::Table::prefetch(std::uint64_t key) const {
  if (slots_.empty()) return;
  prefetch_line(&slots_[home(key)]);
}

void RedeliveryFilter::prefetch(std::uint64_t key) const {
  if (last_rose_) return;  // the next key most likely rises too, and reads no slots
  if (key == 0) key = 1;
  current_.prefetch(key);
  previous_.prefetch(key);
}

std::uint64_t *RedeliveryFilter::Table::find(std::uint64_t key) {
  if (slots_.empty()) return nullptr;
  const std::size_t size = slots_.size();
  for (std::size_t i = home(key);; i = i + 1 == size ? 0 : i + 1) {
    if (slots_[i].key == key) return &slots_[i].row;
    if (slots_[i].key == 0) return nullptr;
  }
}

void RedeliveryFilter::Table::put(std::uint64_t key, std::uint64_t row) {
  if ((used_ + 1) * 4 > slots_.size() * 3) grow();
  const std::size_t size = slots_.size();
  for (std::size_t i = home(key);; i = i + 1 == size ? 0 : i + 1) {
    if (slots_[i].key == key || slots_[i].key == 0) {
      if (slots_[i].key == 0) ++used_;
      slots_[i] = {key, row};
      return;
    }
  }
}

void RedeliveryFilter::Table::clear(std::size_t slot_count) {
  slots_.assign(slot_count, Slot{});  // in place when the table already has that many slots
  used_ = 0;
}

// A table starts with this many slots and doubles until it has kDirectSlots; growing beyond,
// it takes its full size in one step: each size in between would be filled, copied and
// dropped, and on memory the process has not touched before each costs its page faults.
constexpr std::size_t kFirstSlots = 1024;
constexpr std::size_t kDirectSlots = std::size_t{1} << 16;

// Slots enough for `keys` keys at the greatest load put() allows (3/4): put() takes a key
// while keys * 4 <= slots * 3. Not rounded up to a power of two: a generation's two full tables
// are most of a file target's memory (21 MiB at this size, 32 MiB rounded up), and memory a
// process touches for the first time is slow to come by (with tables of a few MiB instead, a
// 1M-record target-csv run took a tenth less).
std::size_t slots_for(std::size_t keys) { return std::max(kFirstSlots, (keys * 4 + 2) / 3); }

void RedeliveryFilter::Table::grow() {
  auto old = std::move(slots_);
  std::size_t next = old.empty() ? kFirstSlots : old.size() * 2;
  if (next >= kDirectSlots) next = std::max(next, full_slots_);
  slots_.assign(next, Slot{});
  used_ = 0;
  for (const Slot &slot : old) {
    if (slot.key != 0) put(slot.key, slot.row);
  }
}

RedeliveryFilter::RedeliveryFilter(std::size_t remembered_keys)
    : generation_keys_(remembered_keys > 0 ? remembered_keys : 1),
      current_(slots_for(generation_keys_)),
      previous_(slots_for(generation_keys_)) {}

bool RedeliveryFilter::admit(std::uint64_t key, std::uint64_t row) {
  if (key == 0) key = 1;
  if (std::uint64_t *latest = current_.find(key)) {
    if (*latest == row) return false;
    *latest = row;
    return true;
  }
  const std::uint64_t *older = previous_.find(key);
  const bool again = older != nullptr && *older == row;
  if (current_.size() >= generation_keys_) {
    // The new generation starts as large as a full one, in the older table's memory when it has
    // that size: grown by doubling, a table moves every key it holds into cold memory again.
    const std::size_t full = current_.capacity();
    std::swap(previous_, current_);
    current_.clear(full);
  }
  current_.put(key, row);
  return !again;
}

namespace {

// The key `value` in `keys` (ascending), or nullptr.
template <class Key>
Key *find_in_order(std::vector<Key> &keys, std::int64_t value) {
  const auto at = std::lower_bound(keys.begin(), keys.end(), value,
                                   [](const Key &k, std::int64_t v) { return k.value < v; });
  return at != keys.end() && at->value == value ? &*at : nullptr;
}

}  // namespace

RedeliveryFilter::RisingKey *RedeliveryFilter::find_rising(std::int64_t value) {
  if (!rising_.empty() && value >= rising_.front().value) return find_in_order(rising_, value);
  return find_in_order(rising_previous_, value);
}

void RedeliveryFilter::retire_rising() {
  for (const auto *generation : {&rising_previous_, &rising_}) {
    for (const RisingKey &k : *generation) admit(k.key, k.row);
  }
  rising_ = {};
  rising_previous_ = {};
  use_rising_ = false;
}

bool RedeliveryFilter::admit(std::uint64_t key, std::int64_t value, std::uint64_t row) {
  last_rose_ = false;
  if (!use_rising_) return admit(key, row);
  const bool rises = rising_.empty()
                         ? rising_previous_.empty() || value > rising_previous_.back().value
                         : value > rising_.back().value;
  if (rises) {
    // New for certain: the table holds only integer keys that did not rise (so no larger than
    // the list's last) and keys of other text.
    if (rising_.size() >= generation_keys_) {
      std::swap(rising_previous_, rising_);
      rising_.clear();  // keeps the memory of the generation dropped
    }
    if (rising_.capacity() == 0) rising_.reserve(generation_keys_);
    rising_.push_back({value, key, row});
    last_rose_ = true;
    return true;
  }
  if (RisingKey *kept = find_rising(value)) {
    if (kept->row == row) return false;
    kept->row = row;
    return true;
  }
  if (++not_rising_ > std::max<std::size_t>(64, (rising_.size() + rising_previous_.size()) / 16)) {
    retire_rising();
  }
  return admit(key, row);
}

std::string redelivery_summary(std::string_view plugin, std::string_view stream,
                               std::uint64_t skipped, const std::string &path) {
  return std::string(plugin) + ": stream '" + std::string(stream) +
         "': " + std::to_string(skipped) +
         " records were already the latest row of their key in '" + path +
         "' (delivered again after a resume) and were not written twice";
}

}  // namespace chorus::file_output
