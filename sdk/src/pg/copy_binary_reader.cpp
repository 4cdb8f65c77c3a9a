#include "chorus/pg/copy_binary_reader.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "chorus/plugin/errors.h"
#include "chorus/singer/timestamps.h"
#include "network_order.h"
#include "postgres_epoch.h"

namespace chorus::pg::binary {
namespace {

// "PGCOPY\n\377\r\n\0", then the flags and the header extension's length.
constexpr char kSignature[] = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', '\377', '\r', '\n', '\0'};
constexpr std::size_t kSignatureSize = sizeof kSignature;
constexpr std::size_t kFixedHeaderSize = kSignatureSize + 4 + 4;
constexpr std::uint32_t kFlagHasOids = 1U << 16;

[[noreturn]] void bad_field(const char *type, std::size_t size) {
  throw FatalError("PostgreSQL sent a binary " + std::string(type) + " field of " +
                   std::to_string(size) + " bytes, which is not one");
}

void require_size(std::string_view field, std::size_t size, const char *type) {
  if (field.size() != size) bad_field(type, field.size());
}

// Two decimal digits of 0..99 at `to`.
char *write2(char *to, unsigned value) {
  to[0] = static_cast<char>('0' + value / 10);
  to[1] = static_cast<char>('0' + value % 10);
  return to + 2;
}

// Four decimal digits of 0..9999 at `to`.
char *write4(char *to, unsigned value) { return write2(write2(to, value / 100), value % 100); }

// `value` (>= 0) as at least four digits (zero-padded), as DateStyle ISO writes a year.
char *write_year(char *to, std::int64_t value) {
  if (value < 10000) return write4(to, static_cast<unsigned>(value));
  return std::to_chars(to, to + 20, value).ptr;
}

// A big-endian integer field of `Int`'s size as its decimal text, written at `out` (room for 20
// digits and a sign).
template <typename Int>
std::string_view integer_text(std::string_view field, char *out, const char *type) {
  require_size(field, sizeof(Int), type);
  std::uint64_t bits = 0;
  if constexpr (sizeof(Int) == 2) bits = load16(field.data());
  if constexpr (sizeof(Int) == 4) bits = load32(field.data());
  if constexpr (sizeof(Int) == 8) bits = load64(field.data());
  const char *end = std::to_chars(out, out + 21, static_cast<Int>(bits)).ptr;
  return {out, static_cast<std::size_t>(end - out)};
}

// The longest text of a date, time or uuid, with its era: "-294276-12-31 23:59:59.999999+00 BC".
constexpr std::size_t kFixedTextRoom = 64;

}  // namespace

void TupleReader::feed(std::string_view bytes, const std::function<void(const Tuple &)> &on_tuple) {
  if (pending_.empty()) {
    // The usual case: the server sends whole tuples in each piece, read where they lie.
    const std::size_t used = consume(bytes, on_tuple);
    if (used < bytes.size()) pending_.assign(bytes.substr(used));
    return;
  }
  pending_.append(bytes);
  const std::size_t used = consume(pending_, on_tuple);
  pending_.erase(0, used);
}

std::size_t TupleReader::consume(std::string_view bytes,
                                 const std::function<void(const Tuple &)> &on_tuple) {
  std::size_t at = 0;
  if (!header_read_) {
    if (bytes.size() < kFixedHeaderSize) return 0;
    if (std::memcmp(bytes.data(), kSignature, kSignatureSize) != 0) {
      malformed("it does not start with the binary COPY signature");
    }
    if ((load32(bytes.data() + kSignatureSize) & kFlagHasOids) != 0) {
      malformed("its tuples carry OIDs, which chorus never asks for");
    }
    const std::size_t extension = load32(bytes.data() + kSignatureSize + 4);
    if (bytes.size() < kFixedHeaderSize + extension) return 0;
    at = kFixedHeaderSize + extension;
    header_read_ = true;
  }
  while (at + 2 <= bytes.size()) {
    if (ended_) malformed("data follows its trailer");
    const auto fields = static_cast<std::int16_t>(load16(bytes.data() + at));
    if (fields == -1) {
      ended_ = true;
      at += 2;
      continue;
    }
    if (fields < 0) malformed("a tuple claims " + std::to_string(fields) + " fields");
    tuple_.resize(static_cast<std::size_t>(fields));
    std::size_t next = at + 2;
    bool complete = true;
    for (auto &field : tuple_) {
      if (next + 4 > bytes.size()) {
        complete = false;
        break;
      }
      const auto size = static_cast<std::int32_t>(load32(bytes.data() + next));
      next += 4;
      if (size == -1) {
        field.reset();
        continue;
      }
      if (size < 0) malformed("a field claims " + std::to_string(size) + " bytes");
      if (next + static_cast<std::size_t>(size) > bytes.size()) {
        complete = false;
        break;
      }
      field = bytes.substr(next, static_cast<std::size_t>(size));
      next += static_cast<std::size_t>(size);
    }
    if (!complete) break;
    on_tuple(tuple_);
    at = next;
  }
  return at;
}

void TupleReader::finish() const {
  if (!ended_ || !pending_.empty()) malformed("it ends without its trailer");
}

void TupleReader::malformed(const std::string &what) const {
  throw FatalError("PostgreSQL's binary COPY of " + source_ + " cannot be read: " + what);
}

bool has_text_form(FieldType type) { return type != FieldType::Float8 && type != FieldType::Bytea; }

FieldText::FieldText(FieldType type)
    : type_(type),
      buffer_(kFixedTextRoom, '\0'),
      cached_day_(std::numeric_limits<std::int64_t>::min()) {
  if (!has_text_form(type)) {
    throw std::invalid_argument("chorus cannot write a binary COPY field of this type as text");
  }
}

std::string_view FieldText::operator()(std::string_view field) {
  char *const out = buffer_.data();
  switch (type_) {
    case FieldType::Int2:
      return integer_text<std::int16_t>(field, out, "smallint");
    case FieldType::Int4:
      return integer_text<std::int32_t>(field, out, "integer");
    case FieldType::Int8:
      return integer_text<std::int64_t>(field, out, "bigint");
    case FieldType::Numeric:
      return numeric(field);
    case FieldType::Bool:
      require_size(field, 1, "boolean");
      return field[0] != 0 ? "t" : "f";
    case FieldType::Text:
      return field;
    case FieldType::Date:
      return date(field);
    case FieldType::Timestamp:
      return timestamp(field, false);
    case FieldType::TimestampTz:
      return timestamp(field, true);
    case FieldType::Uuid: {
      require_size(field, 16, "uuid");
      static constexpr char kHex[] = "0123456789abcdef";
      char *to = out;
      for (std::size_t i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) *to++ = '-';
        const auto byte = static_cast<unsigned char>(field[i]);
        *to++ = kHex[byte >> 4];
        *to++ = kHex[byte & 0xF];
      }
      return {out, static_cast<std::size_t>(to - out)};
    }
    case FieldType::Jsonb:
      // jsonb_send: format version 1, then the JSON text.
      if (field.empty() || field[0] != 1) bad_field("jsonb", field.size());
      return field.substr(1);
    case FieldType::Float8:
    case FieldType::Bytea:
      break;
  }
  return {};  // not reached: the constructor refuses these types
}

// numeric's wire form (numeric_send): digit count, weight of the first base-10000 digit, sign,
// display scale, then the digits. Written as numeric_out writes it: the integer part without
// leading zeros ("0" when there is none), then exactly `scale` digits after the point.
std::string_view FieldText::numeric(std::string_view field) {
  if (field.size() < 8) bad_field("numeric", field.size());
  const std::size_t count = load16(field.data());
  const auto weight = static_cast<std::int16_t>(load16(field.data() + 2));
  const std::uint16_t sign = load16(field.data() + 4);
  const std::size_t scale = load16(field.data() + 6);
  if (field.size() != 8 + 2 * count) bad_field("numeric", field.size());
  switch (sign) {
    case 0xC000:
      return "NaN";
    case 0xD000:
      return "Infinity";
    case 0xF000:
      return "-Infinity";
    case 0x0000:
    case 0x4000:
      break;
    default:
      bad_field("numeric", field.size());
  }
  const auto digit = [&](std::int64_t index) -> unsigned {
    if (index < 0 || index >= static_cast<std::int64_t>(count)) return 0;
    const unsigned value = load16(field.data() + 8 + 2 * index);
    if (value > 9999) bad_field("numeric", field.size());
    return value;
  };
  // Sign, integer digits, point, fraction rounded up to whole base-10000 digits.
  const std::size_t integer_digits = weight < 0 ? 1 : 4 * (static_cast<std::size_t>(weight) + 1);
  const std::size_t room = 1 + integer_digits + 1 + scale + 4;
  if (buffer_.size() < room) buffer_.resize(room);
  char *const out = buffer_.data();
  char *to = out;
  if (sign == 0x4000) *to++ = '-';
  std::int64_t index = 0;
  if (weight < 0) {
    *to++ = '0';
    index = weight + 1;
  } else {
    to = std::to_chars(to, to + 4, digit(0)).ptr;  // the first digit without leading zeros
    for (index = 1; index <= weight; ++index) to = write4(to, digit(index));
  }
  if (scale > 0) {
    *to++ = '.';
    char *const point = to;
    while (static_cast<std::size_t>(to - point) < scale) to = write4(to, digit(index++));
    to = point + scale;
  }
  return {out, static_cast<std::size_t>(to - out)};
}

char *FieldText::write_date(char *to, std::int64_t days, bool &before_christ) {
  if (days != cached_day_) {
    std::int64_t year = 0;
    unsigned month = 0;
    unsigned day = 0;
    singer::civil_from_days(days + kPostgresEpochUnixDays, year, month, day);
    // Year 0 is 1 BC.
    cached_bc_ = year <= 0;
    char *at = write_year(cached_date_, cached_bc_ ? 1 - year : year);
    *at++ = '-';
    at = write2(at, month);
    *at++ = '-';
    at = write2(at, day);
    cached_size_ = static_cast<std::size_t>(at - cached_date_);
    cached_day_ = days;
  }
  before_christ = cached_bc_;
  std::memcpy(to, cached_date_, cached_size_);
  return to + cached_size_;
}

std::string_view FieldText::date(std::string_view field) {
  require_size(field, 4, "date");
  const auto days = static_cast<std::int32_t>(load32(field.data()));
  if (days == std::numeric_limits<std::int32_t>::max()) return "infinity";
  if (days == std::numeric_limits<std::int32_t>::min()) return "-infinity";
  char *const out = buffer_.data();
  bool before_christ = false;
  char *to = write_date(out, days, before_christ);
  if (before_christ) to = std::copy_n(" BC", 3, to);
  return {out, static_cast<std::size_t>(to - out)};
}

// "YYYY-MM-DD HH:MM:SS[.ffffff]" (trailing zeros of the fraction dropped, as AppendSeconds
// does), "+00" for timestamptz in a UTC session, then the era.
std::string_view FieldText::timestamp(std::string_view field, bool with_zone) {
  require_size(field, 8, with_zone ? "timestamptz" : "timestamp");
  const auto micros = static_cast<std::int64_t>(load64(field.data()));
  if (micros == std::numeric_limits<std::int64_t>::max()) return "infinity";
  if (micros == std::numeric_limits<std::int64_t>::min()) return "-infinity";
  constexpr std::int64_t kMicrosPerDay = std::int64_t{86400} * 1000000;
  std::int64_t days = micros / kMicrosPerDay;
  std::int64_t time = micros % kMicrosPerDay;
  if (time < 0) {
    time += kMicrosPerDay;
    --days;
  }
  char *const out = buffer_.data();
  bool before_christ = false;
  char *to = write_date(out, days, before_christ);
  const auto seconds = static_cast<unsigned>(time / 1000000);
  auto fraction = static_cast<unsigned>(time % 1000000);
  *to++ = ' ';
  to = write2(to, seconds / 3600);
  *to++ = ':';
  to = write2(to, seconds / 60 % 60);
  *to++ = ':';
  to = write2(to, seconds % 60);
  if (fraction != 0) {
    *to++ = '.';
    to = write2(write4(to, fraction / 100), fraction % 100);
    while (to[-1] == '0') --to;
  }
  if (with_zone) to = std::copy_n("+00", 3, to);
  if (before_christ) to = std::copy_n(" BC", 3, to);
  return {out, static_cast<std::size_t>(to - out)};
}

}  // namespace chorus::pg::binary
