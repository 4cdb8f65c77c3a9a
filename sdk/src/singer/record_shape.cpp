#include "singer/record_shape.h"

#include <simdjson.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <charconv>
#include <cstring>
#include <limits>
#include <optional>

namespace chorus::singer::detail {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// With SSE2 the scans below read 16 bytes at a time from where they start, past the end of the
// text into its padding: LineReader's for a line, kLiteralPadding for literals_.
constexpr std::size_t kLiteralPadding = 16;

// Where a string's content stops: the first quote, backslash or control character at or after
// `p` (nullptr when there is none before `end`), and whether a byte before it is not ASCII.
struct StringStop {
  const char *at = nullptr;
  bool ascii = true;
};

#if defined(__SSE2__)
__m128i load16(const char *p) { return _mm_loadu_si128(reinterpret_cast<const __m128i *>(p)); }
unsigned byte_mask(__m128i marks) { return static_cast<unsigned>(_mm_movemask_epi8(marks)); }

StringStop string_stop(const char *p, const char *end) {
  StringStop stop;
  for (; p < end; p += 16) {
    const __m128i bytes = load16(p);
    const unsigned high = byte_mask(bytes);
    // Compared as signed bytes, the controls and the non-ASCII bytes are below a space.
    const unsigned below_space = byte_mask(_mm_cmplt_epi8(bytes, _mm_set1_epi8(0x20)));
    const unsigned marks = byte_mask(_mm_or_si128(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('"')),
                                                  _mm_cmpeq_epi8(bytes, _mm_set1_epi8('\\')))) |
                           (below_space & ~high);
    if (marks == 0) {
      if (high != 0) stop.ascii = false;
      continue;
    }
    const auto first = static_cast<unsigned>(__builtin_ctz(marks));
    if ((high & ((1U << first) - 1)) != 0) stop.ascii = false;
    if (p + first < end) stop.at = p + first;
    return stop;
  }
  return stop;
}

// How many digits there are from `p`, up to `end`.
std::size_t digit_run(const char *p, const char *end) {
  const char *q = p;
  for (; q < end; q += 16) {
    const __m128i bytes = load16(q);
    // Signed, the non-ASCII bytes are below '0' too.
    const unsigned others = byte_mask(_mm_or_si128(_mm_cmplt_epi8(bytes, _mm_set1_epi8('0')),
                                                   _mm_cmpgt_epi8(bytes, _mm_set1_epi8('9'))));
    if (others != 0) {
      q += __builtin_ctz(others);
      break;
    }
  }
  return static_cast<std::size_t>(std::min(q, end) - p);
}

// Whether the `size` bytes at `a` and at `b` are the same.
bool same_bytes(const char *a, const char *b, std::size_t size) {
  std::size_t at = 0;
  for (; at + 16 <= size; at += 16) {
    if (byte_mask(_mm_cmpeq_epi8(load16(a + at), load16(b + at))) != 0xFFFF) return false;
  }
  if (at == size) return true;
  const unsigned wanted = (1U << (size - at)) - 1;
  return (byte_mask(_mm_cmpeq_epi8(load16(a + at), load16(b + at))) & wanted) == wanted;
}
#else
// Byte by byte where SSE2 is missing.
StringStop string_stop(const char *p, const char *end) {
  StringStop stop;
  for (; p < end; ++p) {
    const auto c = static_cast<unsigned char>(*p);
    if (c == '"' || c == '\\' || c < 0x20) {
      stop.at = p;
      break;
    }
    if (c >= 0x80) stop.ascii = false;
  }
  return stop;
}

std::size_t digit_run(const char *p, const char *end) {
  const char *q = p;
  while (q < end && *q >= '0' && *q <= '9') ++q;
  return static_cast<std::size_t>(q - p);
}

bool same_bytes(const char *a, const char *b, std::size_t size) {
  return std::memcmp(a, b, size) == 0;
}
#endif

// The closing quote of the string whose content starts at `p`, or nullptr when the string runs
// past `end` or holds what the fast path leaves to the parser: a backslash (the content would
// need unescaping), a control character, or bytes that are not UTF-8.
const char *string_end(const char *p, const char *end) {
  const StringStop stop = string_stop(p, end);
  if (stop.at == nullptr || *stop.at != '"') return nullptr;
  if (!stop.ascii && !simdjson::validate_utf8(p, static_cast<std::size_t>(stop.at - p))) {
    return nullptr;
  }
  return stop.at;
}

// The end of the JSON number that starts at `p` (RFC 8259's grammar), or nullptr. The same
// grammar as is_json_number, which the parser checks a number token with; scanning the token
// and then checking it with is_json_number cost 140 instructions a record more (2% of
// target-csv). The one-byte-change test holds the two to the same answers.
const char *number_end(const char *p, const char *end) {
  if (p < end && *p == '-') ++p;
  const std::size_t integer = digit_run(p, end);
  if (integer == 0) return nullptr;
  p += *p == '0' ? 1 : integer;  // a leading zero stands alone (what follows it must not fit)
  if (p < end && *p == '.') {
    ++p;
    const std::size_t fraction = digit_run(p, end);
    if (fraction == 0) return nullptr;
    p += fraction;
  }
  if (p < end && (*p == 'e' || *p == 'E')) {
    ++p;
    if (p < end && (*p == '+' || *p == '-')) ++p;
    const std::size_t exponent = digit_run(p, end);
    if (exponent == 0) return nullptr;
    p += exponent;
  }
  return p;
}

bool starts_with(const char *p, const char *end, std::string_view word) {
  return static_cast<std::size_t>(end - p) >= word.size() &&
         std::string_view(p, word.size()) == word;
}

// Reads the JSON scalar that starts at `p` into `value` as the parser would (see Value) and
// returns the end of its token; nullptr when there is none the fast path reads.
const char *read_scalar(const char *p, const char *end, Value &value) {
  if (p >= end) return nullptr;
  switch (*p) {
    case '"': {
      const char *const close = string_end(p + 1, end);
      if (close == nullptr) return nullptr;
      value.kind = ValueKind::String;
      value.text = std::string_view(p + 1, static_cast<std::size_t>(close - p - 1));
      return close + 1;
    }
    case 't':
    case 'f': {
      const std::string_view word = *p == 't' ? "true" : "false";
      if (!starts_with(p, end, word)) return nullptr;
      value.kind = ValueKind::Boolean;
      value.text = word;
      return p + word.size();
    }
    case 'n':
      if (!starts_with(p, end, "null")) return nullptr;
      value.kind = ValueKind::Null;
      value.text = {};
      return p + 4;
    default: {
      const char *const after = number_end(p, end);
      if (after == nullptr) return nullptr;
      value.kind = ValueKind::Number;
      value.text = std::string_view(p, static_cast<std::size_t>(after - p));
      return after;
    }
  }
}

// A version as the parser reads it (an integer that fits int64); nullopt for any other number.
std::optional<std::int64_t> version_of(std::string_view text) {
  std::int64_t version = 0;
  const auto [at, error] = std::from_chars(text.data(), text.data() + text.size(), version);
  if (error != std::errc() || at != text.data() + text.size()) return std::nullopt;
  return version;
}

bool same_value(const Value &a, const Value &b) { return a.kind == b.kind && a.text == b.text; }

bool same_record(const RecordView &a, const RecordView &b) {
  if (a.stream != b.stream || a.time_extracted != b.time_extracted || a.version != b.version ||
      a.fields.size() != b.fields.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.fields.size(); ++i) {
    if (a.fields[i].name != b.fields[i].name || !same_value(a.fields[i].value, b.fields[i].value)) {
      return false;
    }
  }
  return true;
}

// The envelope keys the parser reads; any other key's value is skipped.
enum class EnvelopeKey : std::uint8_t { Type, Stream, Record, TimeExtracted, Version, Other };

EnvelopeKey envelope_key(std::string_view key) {
  if (key == "type") return EnvelopeKey::Type;
  if (key == "stream") return EnvelopeKey::Stream;
  if (key == "record") return EnvelopeKey::Record;
  if (key == "time_extracted") return EnvelopeKey::TimeExtracted;
  if (key == "version") return EnvelopeKey::Version;
  return EnvelopeKey::Other;
}

// Walks a line that the parser accepted, token by token, for RecordShape::learn.
class LineWalk {
 public:
  explicit LineWalk(std::string_view line) : p_(line.data()), end_(line.data() + line.size()) {}

  const char *at() const { return p_; }
  const char *end() const { return end_; }
  void move_to(const char *p) { p_ = p; }

  void skip_space() {
    while (p_ < end_ && is_space(*p_)) ++p_;
  }
  bool take(char c) {
    skip_space();
    if (p_ >= end_ || *p_ != c) return false;
    ++p_;
    return true;
  }
  // A string the fast path reads (see read_scalar); its content.
  bool string(std::string_view &content) {
    skip_space();
    Value value;
    const char *const after = read_scalar(p_, end_, value);
    if (after == nullptr || value.kind != ValueKind::String) return false;
    content = value.text;
    p_ = after;
    return true;
  }
  bool key(std::string_view &name) { return string(name) && take(':'); }
  // After a member: true at ',' (another member follows), false at '}' (`closed` set) or at
  // anything else (`closed` left false).
  bool another_member(bool &closed) {
    if (take(',')) return true;
    closed = take('}');
    return false;
  }

 private:
  const char *p_;
  const char *end_;
};

}  // namespace

bool RecordShape::learn(std::string_view line, const RecordView &parsed) {
  *this = RecordShape();
  if (line.size() > std::numeric_limits<std::uint32_t>::max()) return false;  // offsets are 32-bit
  LineWalk walk(line);
  const char *literal_start = walk.at();
  // Ends the literal before a value at the walk's place, then reads the value.
  auto value_slot = [&](Role role, std::uint32_t field, std::string_view name) {
    walk.skip_space();
    Slot slot;
    slot.literal_at = static_cast<std::uint32_t>(literals_.size());
    slot.literal_size = static_cast<std::uint32_t>(walk.at() - literal_start);
    slot.role = role;
    slot.field = field;
    if (role == Role::Field) {
      slot.name_offset = static_cast<std::uint32_t>(name.data() - literal_start);
      slot.name_size = static_cast<std::uint32_t>(name.size());
    }
    // What each role takes (a string time_extracted, an int64 version) is read()'s to check,
    // in the reading of this line that ends learn().
    Value value;
    const char *const after = read_scalar(walk.at(), walk.end(), value);
    if (after == nullptr) return false;
    literals_.append(literal_start, walk.at());
    slots_.push_back(slot);
    walk.move_to(after);
    literal_start = after;
    return true;
  };

  if (!walk.take('{')) return false;
  bool seen[static_cast<int>(EnvelopeKey::Other)] = {};
  bool closed = false;
  do {
    std::string_view key;
    if (!walk.key(key)) return false;
    const EnvelopeKey which = envelope_key(key);
    if (which != EnvelopeKey::Other) {
      bool &was_seen = seen[static_cast<int>(which)];
      if (was_seen) return false;  // the parser keeps the last; not worth a shape
      was_seen = true;
    }
    switch (which) {
      case EnvelopeKey::Type: {
        std::string_view type;
        if (!walk.string(type)) return false;
        break;
      }
      case EnvelopeKey::Stream: {
        std::string_view stream;
        if (!walk.string(stream)) return false;
        stream_literal_ = static_cast<std::uint32_t>(slots_.size());
        stream_offset_ = static_cast<std::uint32_t>(stream.data() - literal_start);
        stream_size_ = static_cast<std::uint32_t>(stream.size());
        break;
      }
      case EnvelopeKey::Record: {
        if (!walk.take('{')) return false;
        if (walk.take('}')) break;
        bool record_closed = false;
        do {
          std::string_view name;
          if (!walk.key(name) || !value_slot(Role::Field, field_count_++, name)) return false;
        } while (walk.another_member(record_closed));
        if (!record_closed) return false;
        break;
      }
      case EnvelopeKey::TimeExtracted:
        if (!value_slot(Role::TimeExtracted, 0, {})) return false;
        break;
      case EnvelopeKey::Version:
        if (!value_slot(Role::Version, 0, {})) return false;
        break;
      case EnvelopeKey::Other:
        if (!value_slot(Role::Ignored, 0, {})) return false;
        break;
    }
  } while (walk.another_member(closed));
  if (!closed || !seen[static_cast<int>(EnvelopeKey::Stream)]) return false;
  walk.skip_space();
  if (walk.at() != walk.end()) return false;
  final_at_ = static_cast<std::uint32_t>(literals_.size());
  final_size_ = static_cast<std::uint32_t>(walk.end() - literal_start);
  literals_.append(literal_start, walk.end());
  literals_.append(kLiteralPadding, '\0');

  RecordView own;
  return read(line, own) && same_record(own, parsed);
}

bool RecordShape::read(std::string_view line, RecordView &record) const {
  const char *p = line.data();
  const char *const end = p + line.size();
  record.fields.resize(field_count_);
  record.time_extracted = {};
  record.version.reset();
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    const Slot &slot = slots_[i];
    const char *const literal = p;
    if (static_cast<std::size_t>(end - p) < slot.literal_size ||
        !same_bytes(p, literals_.data() + slot.literal_at, slot.literal_size)) {
      return false;
    }
    if (i == stream_literal_)
      record.stream = std::string_view(literal + stream_offset_, stream_size_);
    p += slot.literal_size;
    // A field's value is read into its place: a Value read on the stack and then copied is
    // loaded whole while its parts are still being stored (a failed store forwarding).
    Value other;
    Value &value = slot.role == Role::Field ? record.fields[slot.field].value : other;
    p = read_scalar(p, end, value);
    if (p == nullptr) return false;
    switch (slot.role) {
      case Role::Field:
        record.fields[slot.field].name =
            std::string_view(literal + slot.name_offset, slot.name_size);
        break;
      case Role::TimeExtracted:
        if (value.kind != ValueKind::String) return false;
        record.time_extracted = value.text;
        break;
      case Role::Version: {
        if (value.kind != ValueKind::Number) return false;
        record.version = version_of(value.text);
        if (!record.version) return false;
        break;
      }
      case Role::Ignored:
        break;
    }
  }
  if (static_cast<std::size_t>(end - p) != final_size_ ||
      !same_bytes(p, literals_.data() + final_at_, final_size_)) {
    return false;
  }
  if (stream_literal_ == slots_.size()) {
    record.stream = std::string_view(p + stream_offset_, stream_size_);
  }
  return true;
}

bool RecordShapes::read(std::string_view line, RecordView &record) {
  for (std::size_t i = 0; i < shapes_.size(); ++i) {
    if (!shapes_[i].read(line, record)) continue;
    std::rotate(shapes_.begin(), shapes_.begin() + static_cast<std::ptrdiff_t>(i),
                shapes_.begin() + static_cast<std::ptrdiff_t>(i) + 1);
    learned_unused_ = false;
    backoff_ = 0;
    return true;
  }
  return false;
}

void RecordShapes::learn(std::string_view line, const RecordView &parsed) {
  if (skip_ > 0) {
    --skip_;
    return;
  }
  RecordShape shape;
  // A shape learned last time that no line has used since is a sign of records that rarely
  // repeat a shape: learning from each would cost more than it saves.
  if (learned_unused_ || !shape.learn(line, parsed)) {
    backoff_ = std::min(kMaxSkip, std::max<std::uint32_t>(1, backoff_ * 2));
    skip_ = backoff_;
    learned_unused_ = false;
    return;
  }
  if (shapes_.size() == kKept) shapes_.pop_back();
  shapes_.insert(shapes_.begin(), std::move(shape));
  learned_unused_ = true;
}

}  // namespace chorus::singer::detail
