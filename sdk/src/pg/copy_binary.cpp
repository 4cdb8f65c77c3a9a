#include "chorus/pg/copy_binary.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "chorus/singer/timestamps.h"
#include "network_order.h"
#include "postgres_epoch.h"

namespace chorus::pg::binary {
namespace {

// Grows `out` by `size` bytes and returns where they start: one capacity check per field rather
// than one per piece of it.
char *extend(std::string &out, std::size_t size) {
  const std::size_t at = out.size();
  out.resize(at + size);
  return &out[at];
}

// A fixed-size field: its length, then `value`'s `Size` bytes, big-endian.
template <std::size_t Size>
void append_fixed(std::string &out, std::uint64_t value) {
  char *to = store32(extend(out, 4 + Size), Size);
  if constexpr (Size == 2) store16(to, static_cast<std::uint16_t>(value));
  if constexpr (Size == 4) store32(to, static_cast<std::uint32_t>(value));
  if constexpr (Size == 8) store64(to, value);
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// `count` digits at `text[at]` as a number, or -1.
int number_at(std::string_view text, std::size_t at, std::size_t count) {
  if (at + count > text.size()) return -1;
  int value = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (!is_digit(text[i])) return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

// [-]digits, as every JSON integer is written, in the range of `Int`; spaces and '+', which
// int8in also takes, are left to it.
template <typename Int>
bool append_integer(std::string &out, std::string_view text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return false;
  if constexpr (sizeof(Int) < sizeof(std::int64_t)) {
    if (value < std::numeric_limits<Int>::min() || value > std::numeric_limits<Int>::max()) {
      return false;
    }
  }
  append_fixed<sizeof(Int)>(out, static_cast<std::make_unsigned_t<Int>>(value));
  return true;
}

// numeric's wire form: digit count, weight (of the first base-10000 digit), sign, display scale,
// then the base-10000 digits. The display scale is the count of digits written after the point,
// as numeric_in keeps it ("1.50" stays 1.50). Exponents, NaN and Infinity are left to numeric_in.
bool append_numeric(std::string &out, std::string_view text) {
  constexpr std::size_t kMaxWholeDigits = 4000;     // numeric_in takes 131072
  constexpr std::size_t kMaxFractionDigits = 1000;  // and 16383
  constexpr std::uint16_t kNegative = 0x4000;
  std::size_t at = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) ++at;
  const std::size_t whole_begin = at;
  while (at < text.size() && is_digit(text[at])) ++at;
  std::string_view whole = text.substr(whole_begin, at - whole_begin);
  std::string_view fraction;
  if (at < text.size() && text[at] == '.') {
    const std::size_t fraction_begin = ++at;
    while (at < text.size() && is_digit(text[at])) ++at;
    fraction = text.substr(fraction_begin, at - fraction_begin);
  }
  if (at != text.size() || (whole.empty() && fraction.empty())) return false;
  if (whole.size() > kMaxWholeDigits || fraction.size() > kMaxFractionDigits) return false;
  while (!whole.empty() && whole[0] == '0') whole.remove_prefix(1);

  std::uint16_t groups[(kMaxWholeDigits + kMaxFractionDigits) / 4 + 2];
  std::size_t count = 0;
  // The point falls on a group boundary: the first whole group takes the leftover digits.
  std::size_t first_size = whole.size() % 4 == 0 ? 4 : whole.size() % 4;
  for (std::size_t i = 0; i < whole.size(); count++) {
    const std::size_t size = count == 0 ? first_size : 4;
    groups[count] = static_cast<std::uint16_t>(number_at(whole, i, size));
    i += size;
  }
  int weight = static_cast<int>(count) - 1;
  for (std::size_t i = 0; i < fraction.size(); i += 4, ++count) {
    int group = 0;
    for (std::size_t j = i; j < i + 4; ++j) {
      group = group * 10 + (j < fraction.size() ? fraction[j] - '0' : 0);
    }
    groups[count] = static_cast<std::uint16_t>(group);
  }
  std::size_t begin = 0;
  while (begin < count && groups[begin] == 0) {
    ++begin;
    --weight;
  }
  while (count > begin && groups[count - 1] == 0) --count;
  const std::size_t digits = count - begin;
  if (digits == 0) weight = 0;  // zero: no digits, weight 0, positive, as numeric_in makes it

  char *to = extend(out, 12 + 2 * digits);
  to = store32(to, static_cast<std::uint32_t>(8 + 2 * digits));
  to = store16(to, static_cast<std::uint16_t>(digits));
  to = store16(to, static_cast<std::uint16_t>(static_cast<std::int16_t>(weight)));
  to = store16(to, negative && digits > 0 ? kNegative : 0);
  to = store16(to, static_cast<std::uint16_t>(fraction.size()));
  for (std::size_t i = begin; i < count; ++i) to = store16(to, groups[i]);
  return true;
}

// float8in reads with strtod, correctly rounded, as std::from_chars does; infinities, NaN,
// out-of-range values, spaces and '+' are left to it.
bool append_float8(std::string &out, std::string_view text) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return false;
  }
  std::uint64_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  append_fixed<8>(out, bits);
  return true;
}

bool append_bool(std::string &out, std::string_view text) {
  if (text != "true" && text != "false") return false;
  char *to = store32(extend(out, 5), 1);
  *to = text == "true" ? '\1' : '\0';
  return true;
}

bool append_bytes(std::string &out, std::string_view bytes, std::string_view prefix = {}) {
  // A field's length is an int32; the server takes no value over 1 GB anyway.
  if (bytes.size() + prefix.size() > (std::size_t{1} << 30)) return false;
  char *to = extend(out, 4 + prefix.size() + bytes.size());
  to = store32(to, static_cast<std::uint32_t>(prefix.size() + bytes.size()));
  if (!prefix.empty()) std::memcpy(to, prefix.data(), prefix.size());
  if (!bytes.empty()) std::memcpy(to + prefix.size(), bytes.data(), bytes.size());
  return true;
}

// Days since 2000-01-01 of "YYYY-MM-DD" at text[0..10) (years 0001 to 9999, a real date), or
// nullopt.
std::optional<std::int64_t> date_days(std::string_view text) {
  if (text.size() < 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const int year = number_at(text, 0, 4);
  const int month = number_at(text, 5, 2);
  const int day = number_at(text, 8, 2);
  if (year < 1 || month < 1 || month > 12 || day < 1) return std::nullopt;
  if (static_cast<unsigned>(day) > singer::days_in_month(year, static_cast<unsigned>(month))) {
    return std::nullopt;
  }
  return singer::days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) -
         kPostgresEpochUnixDays;
}

bool append_date(std::string &out, std::string_view text) {
  const std::optional<std::int64_t> days = text.size() == 10 ? date_days(text) : std::nullopt;
  if (!days) return false;
  append_fixed<4>(out, static_cast<std::uint32_t>(static_cast<std::int32_t>(*days)));
  return true;
}

// Microseconds since 2000-01-01 00:00 of "YYYY-MM-DD[T ]HH:MM[:SS[.ffffff]][zone]", zone "Z",
// "±HH", "±HH:MM" or "±HHMM". With `with_zone`, the time is moved to UTC by the zone and a
// zone is required (without one, the server would read the session's TimeZone); without, the
// zone is ignored, as timestamp_in ignores it. Leap seconds, 24:00, more than six fractional
// digits (the server rounds them) and any other form give nullopt.
std::optional<std::int64_t> timestamp_micros(std::string_view text, bool with_zone) {
  const std::optional<std::int64_t> days = date_days(text);
  if (!days || text.size() < 16 || (text[10] != 'T' && text[10] != ' ') || text[13] != ':') {
    return std::nullopt;
  }
  const int hour = number_at(text, 11, 2);
  const int minute = number_at(text, 14, 2);
  int second = 0;
  std::int64_t micros = 0;
  std::size_t at = 16;
  if (at < text.size() && text[at] == ':') {
    second = number_at(text, at + 1, 2);
    at += 3;
    if (at < text.size() && text[at] == '.') {
      const std::size_t begin = ++at;
      while (at < text.size() && is_digit(text[at])) ++at;
      const std::size_t digits = at - begin;
      if (digits == 0 || digits > 6) return std::nullopt;
      micros = number_at(text, begin, digits);
      for (std::size_t i = digits; i < 6; ++i) micros *= 10;
    }
  }
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
    return std::nullopt;
  }
  int zone_seconds = 0;
  const std::string_view zone = text.substr(at);
  if (zone == "Z") {
  } else if (!zone.empty() && (zone[0] == '+' || zone[0] == '-')) {
    const int zone_hour = number_at(zone, 1, 2);
    int zone_minute = 0;
    if (zone.size() == 6 && zone[3] == ':') {
      zone_minute = number_at(zone, 4, 2);
    } else if (zone.size() == 5) {
      zone_minute = number_at(zone, 3, 2);
    } else if (zone.size() != 3) {
      return std::nullopt;
    }
    // The server takes offsets up to 15:59.
    if (zone_hour < 0 || zone_hour > 15 || zone_minute < 0 || zone_minute > 59) return std::nullopt;
    zone_seconds = (zone_hour * 3600 + zone_minute * 60) * (zone[0] == '-' ? -1 : 1);
  } else if (!zone.empty() || with_zone) {
    return std::nullopt;
  }
  std::int64_t seconds =
      *days * 86400 + std::int64_t{hour} * 3600 + std::int64_t{minute} * 60 + second;
  if (with_zone) seconds -= zone_seconds;
  return seconds * 1000000 + micros;
}

bool append_timestamp(std::string &out, std::string_view text, bool with_zone) {
  const std::optional<std::int64_t> micros = timestamp_micros(text, with_zone);
  if (!micros) return false;
  append_fixed<8>(out, static_cast<std::uint64_t>(*micros));
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The canonical 8-4-4-4-12 form, either case; uuid_in's other spellings are left to it.
bool append_uuid(std::string &out, std::string_view text) {
  if (text.size() != 36) return false;
  char bytes[16];
  std::size_t count = 0;
  for (std::size_t i = 0; i < 36;) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') return false;
      ++i;
      continue;
    }
    const int high = hex_value(text[i]);
    const int low = hex_value(text[i + 1]);
    if (high < 0 || low < 0) return false;
    bytes[count++] = static_cast<char>(high << 4 | low);
    i += 2;
  }
  std::memcpy(store32(extend(out, 20), 16), bytes, 16);
  return true;
}

}  // namespace

std::optional<FieldType> field_type_of(std::uint32_t type_oid) {
  // Built-in type OIDs are fixed (pg_type.dat) in every PostgreSQL version.
  switch (type_oid) {
    case 21:
      return FieldType::Int2;
    case 23:
      return FieldType::Int4;
    case 20:
      return FieldType::Int8;
    case 1700:
      return FieldType::Numeric;
    case 701:
      return FieldType::Float8;
    case 16:
      return FieldType::Bool;
    case 25:    // text
    case 1043:  // varchar
      return FieldType::Text;
    case 1082:
      return FieldType::Date;
    case 1114:
      return FieldType::Timestamp;
    case 1184:
      return FieldType::TimestampTz;
    case 2950:
      return FieldType::Uuid;
    case 3802:
      return FieldType::Jsonb;
    case 17:
      return FieldType::Bytea;
    default:
      return std::nullopt;
  }
}

void append_tuple_start(std::string &out, std::uint16_t fields) { store16(extend(out, 2), fields); }

void append_int8(std::string &out, std::int64_t value) {
  append_fixed<8>(out, static_cast<std::uint64_t>(value));
}

void append_null(std::string &out) { store32(extend(out, 4), 0xFFFFFFFF); }

bool append_field(std::string &out, FieldType type, std::string_view text) {
  switch (type) {
    case FieldType::Int2:
      return append_integer<std::int16_t>(out, text);
    case FieldType::Int4:
      return append_integer<std::int32_t>(out, text);
    case FieldType::Int8:
      return append_integer<std::int64_t>(out, text);
    case FieldType::Numeric:
      return append_numeric(out, text);
    case FieldType::Float8:
      return append_float8(out, text);
    case FieldType::Bool:
      return append_bool(out, text);
    case FieldType::Text:
    case FieldType::Bytea:
      return append_bytes(out, text);
    case FieldType::Date:
      return append_date(out, text);
    case FieldType::Timestamp:
      return append_timestamp(out, text, false);
    case FieldType::TimestampTz:
      return append_timestamp(out, text, true);
    case FieldType::Uuid:
      return append_uuid(out, text);
    case FieldType::Jsonb:
      return append_bytes(out, text, "\1");  // jsonb's format version 1
  }
  return false;
}

}  // namespace chorus::pg::binary
