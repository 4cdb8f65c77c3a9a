// RecordBatch: owned copies of records in a chunked arena.
#include "chorus/singer/record_batch.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <numeric>
#include <optional>
#include <utility>

#include "chorus/singer/json_number.h"
#include "singer/word_scan.h"

namespace chorus::singer {

namespace {

constexpr std::size_t kChunkBytes = std::size_t{1} << 20;
constexpr std::size_t kNone = static_cast<std::size_t>(-1);

}  // namespace

// Bump allocator over chunks that are kept, not freed, by clear().
struct RecordBatch::Arena {
  struct Chunk {
    std::unique_ptr<char[]> data;
    std::size_t size = 0;
  };
  std::vector<Chunk> chunks;
  std::size_t current = 0;  // index of the chunk being filled
  std::size_t used = 0;     // bytes used in it

  char *allocate(std::size_t bytes) {
    while (current < chunks.size()) {
      Chunk &chunk = chunks[current];
      if (chunk.size - used >= bytes) {
        char *out = chunk.data.get() + used;
        used += bytes;
        return out;
      }
      ++current;
      used = 0;
    }
    // A value larger than a chunk gets a chunk of its own size.
    Chunk &chunk = chunks.emplace_back();
    chunk.size = std::max(kChunkBytes, bytes);
    chunk.data.reset(new char[chunk.size]);
    current = chunks.size() - 1;
    used = bytes;
    return chunk.data.get();
  }

  void reset() {
    current = 0;
    used = 0;
  }
};

RecordBatch::RecordBatch() : arena_(std::make_unique<Arena>()) {}
RecordBatch::~RecordBatch() = default;
RecordBatch::RecordBatch(RecordBatch &&) noexcept = default;
RecordBatch &RecordBatch::operator=(RecordBatch &&) noexcept = default;

std::string_view RecordBatch::copy(std::string_view text) {
  if (text.empty()) return {};
  return std::string_view(copy_span(text), text.size());
}

namespace {

// Where `text` starts in `region` when it lies wholly in it, else npos.
std::size_t offset_in(std::string_view region, std::string_view text) {
  const std::size_t at = reinterpret_cast<std::uintptr_t>(text.data()) -
                         reinterpret_cast<std::uintptr_t>(region.data());
  return at < region.size() && text.size() <= region.size() - at ? at : kNone;
}

// The stretch of `source` that holds every name and value text of `record` lying in it (empty
// when none does).
std::string_view text_span(const RecordView &record, std::string_view source) {
  std::size_t begin = kNone;
  std::size_t end = 0;
  const auto cover = [&](std::string_view text) {
    const std::size_t at = offset_in(source, text);
    if (at == kNone) return;
    begin = std::min(begin, at);
    end = std::max(end, at + text.size());
  };
  for (const Field &field : record.fields) {
    cover(field.name);
    cover(field.value.text);
  }
  return begin == kNone ? std::string_view() : source.substr(begin, end - begin);
}

// A boolean's text as the literal it spells, which lives as long as the program.
std::optional<std::string_view> boolean_literal(const Value &value) {
  if (value.kind != ValueKind::Boolean) return std::nullopt;
  if (value.text == "true") return std::string_view("true");
  if (value.text == "false") return std::string_view("false");
  return std::nullopt;
}

}  // namespace

void RecordBatch::append(const RecordView &record, std::uint64_t line_number,
                         std::string_view source) {
  if (count_ == records_.size()) records_.emplace_back();
  RecordView &slot = records_[count_];
  // Records of a batch nearly always share their stream with the record before them: reuse
  // that copy instead of copying the same text again.
  const RecordView *previous = count_ > 0 ? &records_[count_ - 1] : nullptr;
  slot.stream = previous != nullptr && word_scan::same_text(previous->stream, record.stream)
                    ? previous->stream
                    : copy(record.stream);
  // A parsed record's names and values are views of its line, one after another with only
  // JSON punctuation between them: one copy of that stretch, and views into the copy, cost
  // less than a copy of each name and value. Texts elsewhere (unescaped strings in the
  // parser's buffer, values a mapper made) are copied one by one.
  const std::string_view span = text_span(record, source);
  const char *const copied = span.empty() ? nullptr : copy_span(span);
  const auto kept = [&](std::string_view text) {
    const std::size_t at = copied != nullptr ? offset_in(span, text) : kNone;
    return at != kNone ? std::string_view(copied + at, text.size()) : copy(text);
  };
  const std::size_t count = record.fields.size();
  slot.fields.resize(count);
  bool marked = false;
  for (std::size_t i = 0; i < count; ++i) {
    const Field &field = record.fields[i];
    Field &out = slot.fields[i];
    out.name = kept(field.name);
    out.value.kind = field.value.kind;
    const std::optional<std::string_view> literal = boolean_literal(field.value);
    out.value.text = literal ? *literal : kept(field.value.text);
    marked = marked || (!marker_.empty() && !field.value.is_null() &&
                        word_scan::same_text(field.name, marker_));
  }
  if (marked) ++marked_;
  slot.time_extracted = copy(record.time_extracted);
  slot.version = record.version;
  line_numbers_.push_back(line_number);
  ++count_;
}

const char *RecordBatch::copy_span(std::string_view text) {
  char *out = arena_->allocate(text.size());
  std::memcpy(out, text.data(), text.size());
  bytes_ += text.size();
  return out;
}

void RecordBatch::count_marked(std::string marker) { marker_ = std::move(marker); }

void RecordBatch::clear() {
  arena_->reset();
  count_ = 0;
  marked_ = 0;
  line_numbers_.clear();
  bytes_ = 0;
}

std::vector<std::size_t> RecordBatch::last_per_key(
    const std::vector<std::string> &key_properties) const {
  std::vector<std::size_t> kept;
  if (key_properties.empty()) {
    kept.resize(count_);
    std::iota(kept.begin(), kept.end(), std::size_t{0});
    return kept;
  }
  const std::vector<std::size_t> previous = previous_of_same_key(key_properties);
  // A record wins when no later record has its key, i.e. when it is no record's previous one.
  std::vector<bool> wins(count_, true);
  for (std::size_t i = 0; i < count_; ++i) {
    if (previous[i] != kNone) wins[previous[i]] = false;
  }
  for (std::size_t i = 0; i < count_; ++i) {
    if (wins[i]) kept.push_back(i);
  }
  return kept;
}

void RecordBatch::fill_deletions(const std::vector<std::string> &key_properties,
                                 std::string_view marker) {
  if (key_properties.empty() || (marker == marker_ && marked_ == 0)) return;
  const auto is_deletion = [&](const RecordView &record) {
    const Field *field = record.find(marker);
    return field != nullptr && !field->value.is_null();
  };
  bool any = false;
  for (std::size_t i = 0; i < count_ && !any; ++i) any = is_deletion(records_[i]);
  if (!any) return;
  const std::vector<std::size_t> previous = previous_of_same_key(key_properties);
  // In input order, so that a deletion after a deletion takes the values the first one took.
  for (std::size_t i = 0; i < count_; ++i) {
    if (previous[i] == kNone || !is_deletion(records_[i])) continue;
    RecordView &deletion = records_[i];
    const RecordView &earlier = records_[previous[i]];
    for (const Field &field : earlier.fields) {
      Field *own = nullptr;
      for (Field &candidate : deletion.fields) {
        if (candidate.name == field.name) own = &candidate;
      }
      if (own == nullptr) {
        deletion.fields.push_back(field);
      } else if (own->value.is_null()) {
        own->value = field.value;
      }
    }
  }
}

bool RecordBatch::single_key_increases(std::string_view key) const {
  std::int64_t previous = 0;
  std::size_t hint = 0;
  for (std::size_t i = 0; i < count_; ++i) {
    const Field *field = records_[i].find(key, hint);
    if (field == nullptr || field->value.kind != ValueKind::Number) return false;
    const std::optional<std::int64_t> value = canonical_integer(field->value.text);
    if (!value || (i > 0 && *value <= previous)) return false;
    previous = *value;
  }
  return true;
}

std::vector<std::size_t> RecordBatch::previous_of_same_key(
    const std::vector<std::string> &key_properties) const {
  // A table read in key order, or a file written in it: every key differs from the ones before
  // (distinct numbers have distinct texts), which one pass shows without hashing every key.
  if (key_properties.size() == 1 && single_key_increases(key_properties[0])) {
    return std::vector<std::size_t>(count_, kNone);
  }
  // The key values of record i are key_values[i * width ...]; a missing key counts as null.
  static const Value kMissing;
  const std::size_t width = key_properties.size();
  std::vector<const Value *> key_values(count_ * width);
  std::vector<std::size_t> positions(width, 0);  // each key's position in the record before
  for (std::size_t i = 0; i < count_; ++i) {
    for (std::size_t k = 0; k < width; ++k) {
      const Field *field = records_[i].find(key_properties[k], positions[k]);
      key_values[i * width + k] = field != nullptr ? &field->value : &kMissing;
    }
  }
  // Keys compare by their text as written: 1 and 1.0 are different keys, as they are in
  // most warehouses' text representation of a key.
  const auto hash = [&](std::size_t i) {
    std::size_t h = 0;
    for (std::size_t k = 0; k < width; ++k) {
      const Value &value = *key_values[i * width + k];
      const std::size_t part = std::hash<std::string_view>{}(value.text) ^
                               (static_cast<std::size_t>(value.kind) * 0x9e3779b97f4a7c15ULL);
      h ^= part + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    }
    return h;
  };
  const auto equal = [&](std::size_t a, std::size_t b) {
    for (std::size_t k = 0; k < width; ++k) {
      const Value &x = *key_values[a * width + k];
      const Value &y = *key_values[b * width + k];
      if (x.kind != y.kind || x.text != y.text) return false;
    }
    return true;
  };
  // An open-addressing table of the latest record of each key (at most half full), instead of
  // a node per record.
  std::size_t capacity = 16;
  while (capacity < 2 * count_) capacity *= 2;
  const std::size_t mask = capacity - 1;
  std::vector<std::size_t> latest(capacity, kNone);
  std::vector<std::size_t> previous(count_, kNone);
  for (std::size_t i = 0; i < count_; ++i) {
    for (std::size_t slot = hash(i) & mask;; slot = (slot + 1) & mask) {
      if (latest[slot] == kNone) {
        latest[slot] = i;
        break;
      }
      if (equal(latest[slot], i)) {
        previous[i] = latest[slot];
        latest[slot] = i;
        break;
      }
    }
  }
  return previous;
}

}  // namespace chorus::singer
