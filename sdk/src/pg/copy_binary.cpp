#include "chorus/pg/copy_binary.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include "chorus/singer/timestamps.h"

namespace chorus::pg::binary {
namespace {

// Grows `out` by `size` bytes and returns where they start: one capacity check per field rather
// than one per piece of it.
char *extend(std::string &out, std::size_t size) {
  const std::size_t at = out.size();
  out.resize(at + size);
  return &out[at];
}

char *store16(char *to, std::uint16_t value) {
  to[0] = static_cast<char>(value >> 8);
  to[1] = static_cast<char>(value);
  return to + 2;
}

char *store32(char *to, std::uint32_t value) {
  to = store16(to, static_cast<std::uint16_t>(value >> 16));
  return store16(to, static_cast<std::uint16_t>(value));
}

char *store64(char *to, std::uint64_t value) {
  to = store32(to, static_cast<std::uint32_t>(value >> 32));
  return store32(to, static_cast<std::uint32_t>(value));
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

// [-]digits, as every JSON integer is written; spaces and '+', which int8in also takes, are
// left to it.
bool append_integer(std::string &out, std::string_view text, int bytes) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return false;
  if (bytes == 2) {
    if (value < std::numeric_limits<std::int16_t>::min() ||
        value > std::numeric_limits<std::int16_t>::max()) {
      return false;
    }
    append_fixed<2>(out, static_cast<std::uint16_t>(value));
  } else if (bytes == 4) {
    if (value < std::numeric_limits<std::int32_t>::min() ||
        value > std::numeric_limits<std::int32_t>::max()) {
      return false;
    }
    append_fixed<4>(out, static_cast<std::uint32_t>(value));
  } else {
    append_fixed<8>(out, static_cast<std::uint64_t>(value));
  }
  return true;
}

// numeric's wire form: digit count, weight (of the first base-10000 digit), sign, display scale,
// then the base-10000 digits. The display scale is the count of digits written after the point,
// as numeric_in keeps it ("1.50" stays 1.50). Exponents, NaN and Infinity are left to numeric_in.
bool append_numeric(std::string &out, std::string_view text) {
  constexpr std::size_t kMaxWholeDigits = 4000;    // numeric_in takes 131072
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

// Days of 2000-01-01, PostgreSQL's epoch, since 1970-01-01.
constexpr std::int64_t kEpochDays = 10957;

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
         kEpochDays;
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
  std::int64_t seconds = *days * 86400 + hour * 3600 + minute * 60 + second;
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
    case 21: return FieldType::Int2;
    case 23: return FieldType::Int4;
    case 20: return FieldType::Int8;
    case 1700: return FieldType::Numeric;
    case 701: return FieldType::Float8;
    case 16: return FieldType::Bool;
    case 25:    // text
    case 1043:  // varchar
      return FieldType::Text;
    case 1082: return FieldType::Date;
    case 1114: return FieldType::Timestamp;
    case 1184: return FieldType::TimestampTz;
    case 2950: return FieldType::Uuid;
    case 3802: return FieldType::Jsonb;
    case 17: return FieldType::Bytea;
    default: return std::nullopt;
  }
}

void append_tuple_start(std::string &out, std::uint16_t fields) {
  store16(extend(out, 2), fields);
}

void append_int8(std::string &out, std::int64_t value) {
  append_fixed<8>(out, static_cast<std::uint64_t>(value));
}

void append_null(std::string &out) { store32(extend(out, 4), 0xFFFFFFFF); }

bool append_field(std::string &out, FieldType type, std::string_view text) {
  switch (type) {
    case FieldType::Int2: return append_integer(out, text, 2);
    case FieldType::Int4: return append_integer(out, text, 4);
    case FieldType::Int8: return append_integer(out, text, 8);
    case FieldType::Numeric: return append_numeric(out, text);
    case FieldType::Float8: return append_float8(out, text);
    case FieldType::Bool: return append_bool(out, text);
    case FieldType::Text:
    case FieldType::Bytea: return append_bytes(out, text);
    case FieldType::Date: return append_date(out, text);
    case FieldType::Timestamp: return append_timestamp(out, text, false);
    case FieldType::TimestampTz: return append_timestamp(out, text, true);
    case FieldType::Uuid: return append_uuid(out, text);
    case FieldType::Jsonb: return append_bytes(out, text, "\1");  // jsonb's format version 1
  }
  return false;
}

}  // namespace chorus::pg::binary

namespace chorus::pg::binary {
namespace {

std::uint64_t load(std::string_view bytes, std::size_t at, std::size_t size) {
  std::uint64_t value = 0;
  for (std::size_t i = at; i < at + size; ++i) {
    value = value << 8 | static_cast<unsigned char>(bytes[i]);
  }
  return value;
}

void append_padded(std::string &out, std::int64_t value, int width) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  const int size = static_cast<int>(end - digits);
  if (size < width) out.append(static_cast<std::size_t>(width - size), '0');
  out.append(digits, end);
}

void append_integer_text(std::string &out, std::int64_t value) { append_padded(out, value, 1); }

// numeric_out: sign, the whole part (its first base-10000 digit unpadded), then exactly
// `dscale` fractional digits.
bool append_numeric_text(std::string &out, std::string_view bytes) {
  if (bytes.size() < 8) return false;
  const auto digits = static_cast<std::size_t>(load(bytes, 0, 2));
  const auto weight = static_cast<std::int16_t>(load(bytes, 2, 2));
  const auto sign = static_cast<std::uint16_t>(load(bytes, 4, 2));
  const auto scale = static_cast<std::size_t>(load(bytes, 6, 2));
  if (bytes.size() != 8 + 2 * digits) return false;
  if (sign == 0xC000) return out.append("NaN"), true;
  if (sign == 0xD000) return out.append("Infinity"), true;
  if (sign == 0xF000) return out.append("-Infinity"), true;
  if (sign != 0 && sign != 0x4000) return false;
  auto digit = [&](int index) -> int {
    if (index < 0 || static_cast<std::size_t>(index) >= digits) return 0;
    return static_cast<int>(load(bytes, 8 + 2 * static_cast<std::size_t>(index), 2));
  };
  if (sign == 0x4000) out.push_back('-');
  int index = 0;
  if (weight < 0) {
    out.push_back('0');
  } else {
    append_integer_text(out, digit(0));
    for (index = 1; index <= weight; ++index) append_padded(out, digit(index), 4);
  }
  if (scale == 0) return true;
  out.push_back('.');
  const std::size_t end = out.size() + scale;
  for (index = weight + 1; out.size() < end; ++index) append_padded(out, digit(index), 4);
  out.resize(end);
  return true;
}

// The calendar date `days` after 2000-01-01 as "YYYY-MM-DD", and whether it is BC (the year
// written as PostgreSQL does: 1 BC is year 0).
bool append_date_text_of(std::string &out, std::int64_t days) {
  std::int64_t year = 0;
  unsigned month = 0;
  unsigned day = 0;
  singer::civil_from_days(days + kEpochDays, year, month, day);
  const bool bc = year <= 0;
  append_padded(out, bc ? 1 - year : year, 4);
  out.push_back('-');
  append_padded(out, month, 2);
  out.push_back('-');
  append_padded(out, day, 2);
  return bc;
}

bool append_date_field_text(std::string &out, std::string_view bytes) {
  if (bytes.size() != 4) return false;
  const auto days = static_cast<std::int32_t>(load(bytes, 0, 4));
  if (days == std::numeric_limits<std::int32_t>::min()) return out.append("-infinity"), true;
  if (days == std::numeric_limits<std::int32_t>::max()) return out.append("infinity"), true;
  if (append_date_text_of(out, days)) out.append(" BC");
  return true;
}

// EncodeDateTime in ISO style: "YYYY-MM-DD HH:MM:SS", the fraction with trailing zeros trimmed,
// "+00" for timestamptz in UTC, " BC" last.
bool append_timestamp_field_text(std::string &out, std::string_view bytes, bool with_zone) {
  if (bytes.size() != 8) return false;
  const auto micros = static_cast<std::int64_t>(load(bytes, 0, 8));
  if (micros == std::numeric_limits<std::int64_t>::min()) return out.append("-infinity"), true;
  if (micros == std::numeric_limits<std::int64_t>::max()) return out.append("infinity"), true;
  constexpr std::int64_t kMicrosPerDay = 86400LL * 1000000LL;
  std::int64_t days = micros / kMicrosPerDay;
  std::int64_t of_day = micros % kMicrosPerDay;
  if (of_day < 0) {
    of_day += kMicrosPerDay;
    --days;
  }
  const bool bc = append_date_text_of(out, days);
  const std::int64_t seconds = of_day / 1000000;
  out.push_back(' ');
  append_padded(out, seconds / 3600, 2);
  out.push_back(':');
  append_padded(out, seconds / 60 % 60, 2);
  out.push_back(':');
  append_padded(out, seconds % 60, 2);
  if (const std::int64_t fraction = of_day % 1000000; fraction != 0) {
    out.push_back('.');
    append_padded(out, fraction, 6);
    while (out.back() == '0') out.pop_back();
  }
  if (with_zone) out.append("+00");
  if (bc) out.append(" BC");
  return true;
}

bool append_uuid_text(std::string &out, std::string_view bytes) {
  if (bytes.size() != 16) return false;
  static const char kHex[] = "0123456789abcdef";
  for (std::size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    const auto byte = static_cast<unsigned char>(bytes[i]);
    out.push_back(kHex[byte >> 4]);
    out.push_back(kHex[byte & 0xF]);
  }
  return true;
}

}  // namespace

bool split_tuple(std::string_view tuple, std::vector<std::optional<std::string_view>> &fields) {
  fields.clear();
  if (tuple.size() < 2) return false;
  const auto count = static_cast<std::size_t>(load(tuple, 0, 2));
  std::size_t at = 2;
  for (std::size_t i = 0; i < count; ++i) {
    if (tuple.size() - at < 4) return false;
    const auto size = static_cast<std::int32_t>(load(tuple, at, 4));
    at += 4;
    if (size < 0) {
      fields.emplace_back(std::nullopt);
      continue;
    }
    if (tuple.size() - at < static_cast<std::size_t>(size)) return false;
    fields.emplace_back(tuple.substr(at, static_cast<std::size_t>(size)));
    at += static_cast<std::size_t>(size);
  }
  return at == tuple.size();
}

bool append_text(std::string &out, FieldType type, std::string_view bytes) {
  switch (type) {
    case FieldType::Int2:
      if (bytes.size() != 2) return false;
      append_integer_text(out, static_cast<std::int16_t>(load(bytes, 0, 2)));
      return true;
    case FieldType::Int4:
      if (bytes.size() != 4) return false;
      append_integer_text(out, static_cast<std::int32_t>(load(bytes, 0, 4)));
      return true;
    case FieldType::Int8:
      if (bytes.size() != 8) return false;
      append_integer_text(out, static_cast<std::int64_t>(load(bytes, 0, 8)));
      return true;
    case FieldType::Numeric: return append_numeric_text(out, bytes);
    case FieldType::Float8: return false;  // float8out's own shortest form is not repeated here
    case FieldType::Bool:
      if (bytes.size() != 1) return false;
      out.push_back(bytes[0] != 0 ? 't' : 'f');
      return true;
    case FieldType::Text:
    case FieldType::Bytea: out.append(bytes); return true;
    case FieldType::Date: return append_date_field_text(out, bytes);
    case FieldType::Timestamp: return append_timestamp_field_text(out, bytes, false);
    case FieldType::TimestampTz: return append_timestamp_field_text(out, bytes, true);
    case FieldType::Uuid: return append_uuid_text(out, bytes);
    case FieldType::Jsonb:
      if (bytes.empty() || bytes[0] != 1) return false;
      out.append(bytes.substr(1));
      return true;
  }
  return false;
}

}  // namespace chorus::pg::binary
