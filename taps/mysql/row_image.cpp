#include "row_image.h"

#include <mysql.h>

#include <charconv>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>

#include "chorus/plugin/errors.h"
#include "chorus/singer/timestamps.h"

namespace chorus::tap_mysql {
namespace {

std::uint64_t little_endian(const unsigned char *p, std::size_t n) {
  std::uint64_t value = 0;
  for (std::size_t i = n; i-- > 0;) value = (value << 8) | p[i];
  return value;
}

std::uint64_t big_endian(const unsigned char *p, std::size_t n) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < n; ++i) value = (value << 8) | p[i];
  return value;
}

// Bytes of a DECIMAL group of 0-9 digits (9 digits take 4 bytes).
constexpr int kDigitBytes[10] = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};

// The fractional digits of a temporal value stored in (fsp + 1) / 2 big-endian bytes, as the
// server prints them: `fsp` digits.
void append_fraction(std::string &out, const unsigned char *p, int fsp, std::size_t &used) {
  if (fsp <= 0) return;
  const std::size_t n = static_cast<std::size_t>((fsp + 1) / 2);
  char digits[24];
  std::snprintf(digits, sizeof digits, "%0*llu", static_cast<int>(2 * n),
                static_cast<unsigned long long>(big_endian(p, n)));
  out += '.';
  out.append(digits, static_cast<std::size_t>(fsp));
  used += n;
}

void append_number(std::string &out, std::uint64_t value, int width) {
  char digits[24];
  std::snprintf(digits, sizeof digits, "%0*llu", width, static_cast<unsigned long long>(value));
  out += digits;
}

// Whether a column of `kind` can arrive as the log's `column` type. A STRING column's real type
// (CHAR, ENUM or SET) is in its metadata's first byte.
bool arrives_as(ValueKind kind, const RowImageColumn &column) {
  static const std::map<ValueKind, std::set<int>> kTypes = {
      {ValueKind::Integer,
       {MYSQL_TYPE_TINY, MYSQL_TYPE_SHORT, MYSQL_TYPE_INT24, MYSQL_TYPE_LONG, MYSQL_TYPE_LONGLONG}},
      {ValueKind::Decimal, {MYSQL_TYPE_NEWDECIMAL}},
      {ValueKind::Float, {MYSQL_TYPE_FLOAT, MYSQL_TYPE_DOUBLE}},
      {ValueKind::Bit, {MYSQL_TYPE_BIT}},
      {ValueKind::Date, {MYSQL_TYPE_DATE, MYSQL_TYPE_NEWDATE}},
      {ValueKind::DateTime, {MYSQL_TYPE_DATETIME2}},
      {ValueKind::Timestamp, {MYSQL_TYPE_TIMESTAMP2}},
      {ValueKind::Time, {MYSQL_TYPE_TIME2}},
      {ValueKind::Year, {MYSQL_TYPE_YEAR}},
      {ValueKind::Enum, {MYSQL_TYPE_ENUM}},
      {ValueKind::Set, {MYSQL_TYPE_SET}},
      {ValueKind::Json, {MYSQL_TYPE_BLOB}},
      {ValueKind::String,
       {MYSQL_TYPE_VARCHAR, MYSQL_TYPE_VAR_STRING, MYSQL_TYPE_BLOB, MYSQL_TYPE_STRING}},
      {ValueKind::Binary,
       {MYSQL_TYPE_VARCHAR, MYSQL_TYPE_VAR_STRING, MYSQL_TYPE_BLOB, MYSQL_TYPE_GEOMETRY,
        MYSQL_TYPE_STRING}},
  };
  const int type = column.type == MYSQL_TYPE_STRING ? ((column.meta >> 8) | 0x30) : column.type;
  return kTypes.at(kind).count(type) > 0;
}

}  // namespace

std::string utc_text(std::int64_t seconds) {
  std::int64_t days = seconds / 86400;
  std::int64_t rest = seconds % 86400;
  if (rest < 0) {
    rest += 86400;
    --days;
  }
  std::int64_t year = 0;
  unsigned month = 0;
  unsigned day = 0;
  singer::civil_from_days(days, year, month, day);
  char text[32];
  std::snprintf(text, sizeof text, "%04lld-%02u-%02u %02lld:%02lld:%02lld",
                static_cast<long long>(year), month, day, static_cast<long long>(rest / 3600),
                static_cast<long long>(rest / 60 % 60), static_cast<long long>(rest % 60));
  return text;
}

RowImageDecoder::RowImageDecoder(std::string_view types, std::string_view metadata,
                                 const std::vector<ColumnType> &columns, const std::string &stream)
    : columns_(columns), stream_(stream), text_(columns.size()) {
  matches_ = types.size() <= columns.size();
  std::size_t at = 0;
  auto meta_bytes = [&](std::size_t n) {
    std::uint16_t value = 0;
    if (at + n <= metadata.size()) {
      value = static_cast<std::uint16_t>(
          n == 1 ? static_cast<unsigned char>(metadata[at])
                 : little_endian(reinterpret_cast<const unsigned char *>(metadata.data() + at), n));
    }
    at += n;
    return value;
  };
  for (unsigned char type : types) {
    Column column{type, 0};
    switch (type) {
      case MYSQL_TYPE_FLOAT:
      case MYSQL_TYPE_DOUBLE:
      case MYSQL_TYPE_BLOB:
      case MYSQL_TYPE_GEOMETRY:
      case MYSQL_TYPE_JSON:
      case MYSQL_TYPE_TIMESTAMP2:
      case MYSQL_TYPE_DATETIME2:
      case MYSQL_TYPE_TIME2:
        column.meta = meta_bytes(1);
        break;
      case MYSQL_TYPE_VARCHAR:
      case MYSQL_TYPE_VAR_STRING:
        column.meta = meta_bytes(2);
        break;
      case MYSQL_TYPE_NEWDECIMAL:
      case MYSQL_TYPE_BIT:
      case MYSQL_TYPE_STRING:
      case MYSQL_TYPE_ENUM:
      case MYSQL_TYPE_SET: {
        // Two bytes, the first one high: (precision, scale), (bits % 8, bytes), (real type,
        // length).
        std::uint16_t high = meta_bytes(1);
        column.meta = static_cast<std::uint16_t>(high << 8 | meta_bytes(1));
        break;
      }
      default:
        break;
    }
    map_.push_back(column);
  }
  if (!matches_) return;
  for (std::size_t i = 0; i < map_.size() && matches_; ++i) {
    if (columns[i].kind == ValueKind::Json && map_[i].type == MYSQL_TYPE_JSON) {
      throw FatalError("tap-mysql: stream '" + stream + "', column '" + columns[i].name +
                       "': MySQL's binary JSON in the binary log is not decoded; replicate "
                       "this table FULL_TABLE or INCREMENTAL");
    }
    matches_ = arrives_as(columns[i].kind, map_[i]);
  }
}

std::size_t RowImageDecoder::decode(std::string_view data, const unsigned char *present,
                                    std::vector<std::optional<std::string_view>> &fields) {
  fields.assign(columns_.size(), std::nullopt);
  std::size_t count = 0;
  for (std::size_t i = 0; i < map_.size(); ++i) count += (present[i / 8] >> (i % 8)) & 1;
  const std::size_t null_bytes = (count + 7) / 8;
  if (data.size() < null_bytes) {
    throw FatalError("tap-mysql: stream '" + stream_ +
                     "': a row image of the binary log ends early");
  }
  const auto *nulls = reinterpret_cast<const unsigned char *>(data.data());
  std::size_t at = null_bytes;
  std::size_t nth = 0;
  for (std::size_t i = 0; i < map_.size(); ++i) {
    if (!((present[i / 8] >> (i % 8)) & 1)) continue;
    const bool is_null = (nulls[nth / 8] >> (nth % 8)) & 1;
    ++nth;
    if (is_null) continue;
    std::size_t used = 0;
    fields[i] = decode_value(i, data.substr(at), used);
    at += used;
  }
  return at;
}

std::string_view RowImageDecoder::decode_value(std::size_t index, std::string_view data,
                                               std::size_t &used) {
  const Column &column = map_[index];
  const ColumnType &info = columns_[index];
  const auto *p = reinterpret_cast<const unsigned char *>(data.data());
  std::string &text = text_[index];
  text.clear();
  auto need = [&](std::size_t n) {
    if (data.size() < n) {
      throw FatalError("tap-mysql: stream '" + stream_ + "', column '" + info.name +
                       "': a value of the binary log ends early");
    }
  };
  auto integer = [&](std::size_t n) {
    need(n);
    used = n;
    std::uint64_t value = little_endian(p, n);
    if (info.is_unsigned) return std::to_string(value);
    const unsigned shift = static_cast<unsigned>(64 - 8 * n);
    return std::to_string(static_cast<std::int64_t>(value << shift) >> shift);
  };
  auto length_prefixed = [&](std::size_t prefix) {
    need(prefix);
    const std::size_t length = little_endian(p, prefix);
    need(prefix + length);
    used = prefix + length;
    return data.substr(prefix, length);
  };
  switch (column.type) {
    case MYSQL_TYPE_TINY:
      return text = integer(1);
    case MYSQL_TYPE_SHORT:
      return text = integer(2);
    case MYSQL_TYPE_INT24:
      return text = integer(3);
    case MYSQL_TYPE_LONG:
      return text = integer(4);
    case MYSQL_TYPE_LONGLONG:
      return text = integer(8);
    case MYSQL_TYPE_YEAR:
      need(1);
      used = 1;
      return text = p[0] == 0 ? "0000" : std::to_string(1900 + p[0]);
    case MYSQL_TYPE_FLOAT:
    case MYSQL_TYPE_DOUBLE: {
      // As the full-table read has them: the double value (a FLOAT widened exactly), in the
      // shortest text that reads back as it.
      double value = 0;
      if (column.type == MYSQL_TYPE_FLOAT) {
        need(4);
        float f = 0;
        std::memcpy(&f, p, 4);
        value = f;
        used = 4;
      } else {
        need(8);
        std::memcpy(&value, p, 8);
        used = 8;
      }
      char digits[32];
      auto result = std::to_chars(digits, digits + sizeof digits, value);
      return text.assign(digits, result.ptr);
    }
    case MYSQL_TYPE_NEWDECIMAL: {
      const int precision = column.meta >> 8;
      const int scale = column.meta & 0xFF;
      const int integer_digits = precision - scale;
      const int int_full = integer_digits / 9;
      const int int_part = integer_digits % 9;
      const int frac_full = scale / 9;
      const int frac_part = scale % 9;
      const std::size_t size = static_cast<std::size_t>(int_full * 4 + kDigitBytes[int_part] +
                                                        frac_full * 4 + kDigitBytes[frac_part]);
      need(size);
      used = size;
      std::string bytes(data.substr(0, size));
      const bool negative = !(static_cast<unsigned char>(bytes[0]) & 0x80);
      bytes[0] = static_cast<char>(bytes[0] ^ 0x80);
      if (negative) {
        for (char &c : bytes) c = static_cast<char>(~c);
      }
      const auto *b = reinterpret_cast<const unsigned char *>(bytes.data());
      std::size_t at = 0;
      auto group = [&](int digits) {
        const std::size_t n = static_cast<std::size_t>(kDigitBytes[digits]);
        std::uint64_t value = big_endian(b + at, n);
        at += n;
        return value;
      };
      std::string whole;
      if (int_part > 0) whole += std::to_string(group(int_part));
      for (int i = 0; i < int_full; ++i) append_number(whole, group(9), 9);
      const std::size_t first = whole.find_first_not_of('0');
      whole = first == std::string::npos ? "0" : whole.substr(first);
      std::string fraction;
      for (int i = 0; i < frac_full; ++i) append_number(fraction, group(9), 9);
      if (frac_part > 0) append_number(fraction, group(frac_part), frac_part);
      const bool zero = whole == "0" && fraction.find_first_not_of('0') == std::string::npos;
      if (negative && !zero) text = "-";
      text += whole;
      if (scale > 0) text += "." + fraction;
      return text;
    }
    case MYSQL_TYPE_DATE:
    case MYSQL_TYPE_NEWDATE: {
      need(3);
      used = 3;
      const std::uint64_t v = little_endian(p, 3);
      append_number(text, v >> 9, 4);
      text += '-';
      append_number(text, (v >> 5) & 15, 2);
      text += '-';
      append_number(text, v & 31, 2);
      return text;
    }
    case MYSQL_TYPE_DATETIME2: {
      need(5 + static_cast<std::size_t>((column.meta + 1) / 2));
      const std::int64_t packed = static_cast<std::int64_t>(big_endian(p, 5)) - 0x8000000000LL;
      const std::int64_t ymd = packed >> 17;
      const std::int64_t ym = ymd >> 5;
      const std::int64_t hms = packed & 0x1FFFF;
      append_number(text, static_cast<std::uint64_t>(ym / 13), 4);
      text += '-';
      append_number(text, static_cast<std::uint64_t>(ym % 13), 2);
      text += '-';
      append_number(text, static_cast<std::uint64_t>(ymd & 31), 2);
      text += ' ';
      append_number(text, static_cast<std::uint64_t>(hms >> 12), 2);
      text += ':';
      append_number(text, static_cast<std::uint64_t>((hms >> 6) & 63), 2);
      text += ':';
      append_number(text, static_cast<std::uint64_t>(hms & 63), 2);
      used = 5;
      append_fraction(text, p + 5, column.meta, used);
      return text;
    }
    case MYSQL_TYPE_TIMESTAMP2: {
      need(4 + static_cast<std::size_t>((column.meta + 1) / 2));
      const std::uint64_t seconds = big_endian(p, 4);
      text = seconds == 0 ? "0000-00-00 00:00:00" : utc_text(static_cast<std::int64_t>(seconds));
      used = 4;
      append_fraction(text, p + 4, column.meta, used);
      return text;
    }
    case MYSQL_TYPE_TIME2: {
      const int fsp = column.meta;
      const std::size_t frac_bytes = static_cast<std::size_t>((fsp + 1) / 2);
      need(3 + frac_bytes);
      used = 3 + frac_bytes;
      // The packed form: (hms << 24) + microseconds, negative for negative times.
      std::int64_t packed = 0;
      if (fsp >= 5) {
        packed = static_cast<std::int64_t>(big_endian(p, 6)) - 0x800000000000LL;
      } else {
        std::int64_t whole = static_cast<std::int64_t>(big_endian(p, 3)) - 0x800000;
        std::int64_t fraction = static_cast<std::int64_t>(big_endian(p + 3, frac_bytes));
        if (whole < 0 && fraction != 0) {
          ++whole;
          fraction -= std::int64_t{1} << (8 * frac_bytes);
        }
        packed = whole * (std::int64_t{1} << 24) + fraction * (fsp >= 3 ? 100 : 10000);
      }
      if (packed < 0) text = "-";
      const std::uint64_t magnitude = static_cast<std::uint64_t>(packed < 0 ? -packed : packed);
      const std::uint64_t hms = magnitude >> 24;
      append_number(text, (hms >> 12) % 1024, 2);
      text += ':';
      append_number(text, (hms >> 6) % 64, 2);
      text += ':';
      append_number(text, hms % 64, 2);
      if (fsp > 0) {
        char digits[24];
        std::snprintf(digits, sizeof digits, "%06llu",
                      static_cast<unsigned long long>(magnitude % (1 << 24)));
        text += '.';
        text.append(digits, static_cast<std::size_t>(fsp));
      }
      return text;
    }
    case MYSQL_TYPE_BIT: {
      const std::size_t n = (column.meta & 0xFF) + ((column.meta >> 8) ? 1 : 0);
      need(n);
      used = n;
      return data.substr(0, n);
    }
    case MYSQL_TYPE_VARCHAR:
    case MYSQL_TYPE_VAR_STRING:
      return length_prefixed(column.meta > 255 ? 2 : 1);
    case MYSQL_TYPE_BLOB:
    case MYSQL_TYPE_GEOMETRY:
      return length_prefixed(column.meta);
    case MYSQL_TYPE_STRING: {
      const unsigned high = column.meta >> 8;
      const unsigned low = column.meta & 0xFF;
      const unsigned real = high | 0x30;
      if (real == MYSQL_TYPE_ENUM || real == MYSQL_TYPE_SET) {
        need(low);
        used = low;
        const std::uint64_t value = little_endian(p, low);
        if (real == MYSQL_TYPE_ENUM) {
          // 0 is the empty string MySQL stores for a value that was not a member.
          if (value == 0 || value > info.members.size()) return text;
          return info.members[value - 1];
        }
        for (std::size_t i = 0; i < info.members.size() && i < 64; ++i) {
          if (!((value >> i) & 1)) continue;
          if (!text.empty()) text += ',';
          text += info.members[i];
        }
        return text;
      }
      const unsigned max_length = (((high & 0x30) ^ 0x30) << 4) | low;
      return length_prefixed(max_length > 255 ? 2 : 1);
    }
    default:
      throw FatalError("tap-mysql: stream '" + stream_ + "', column '" + info.name +
                       "': binary log type " + std::to_string(column.type) + " is not decoded");
  }
}

}  // namespace chorus::tap_mysql
