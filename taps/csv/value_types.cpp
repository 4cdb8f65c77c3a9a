#include "value_types.h"

#include <cstdio>

#include "chorus/plugin/named_values.h"
#include "chorus/singer/timestamps.h"

namespace chorus::tap_csv {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly `count` digits at `pos`.
bool read_digits(std::string_view text, std::size_t &pos, int count, int &value) {
  if (pos + static_cast<std::size_t>(count) > text.size()) return false;
  int result = 0;
  for (int i = 0; i < count; ++i) {
    char c = text[pos + static_cast<std::size_t>(i)];
    if (!is_digit(c)) return false;
    result = result * 10 + (c - '0');
  }
  pos += static_cast<std::size_t>(count);
  value = result;
  return true;
}

bool expect(std::string_view text, std::size_t &pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

bool read_date(std::string_view text, std::size_t &pos, int &year, int &month, int &day) {
  return read_digits(text, pos, 4, year) && expect(text, pos, '-') &&
         read_digits(text, pos, 2, month) && expect(text, pos, '-') &&
         read_digits(text, pos, 2, day) && month >= 1 && month <= 12 && day >= 1 &&
         day <= static_cast<int>(singer::days_in_month(year, static_cast<unsigned>(month)));
}

// How an error message names what a column holds.
constexpr Named<ColumnType> kColumnTypeNames[] = {
    {ColumnType::Integer, "integer"}, {ColumnType::Number, "number"},
    {ColumnType::Boolean, "boolean"}, {ColumnType::DateTime, "date-time"},
    {ColumnType::Date, "date"},       {ColumnType::Json, "JSON object or array"},
    {ColumnType::String, "string"}};

constexpr Named<bool> kBooleanWords[] = {{true, "true"}, {false, "false"}};

}  // namespace

nlohmann::json json_schema_of(ColumnType type) {
  switch (type) {
    case ColumnType::Integer:
      return {{"type", {"integer", "null"}}};
    case ColumnType::Number:
      // The text of a CSV number is passed on digit for digit, so it is an exact decimal:
      // "x-sql-type" tells SQL targets not to load it as a float.
      return {{"type", {"number", "null"}}, {"x-sql-type", "decimal"}};
    case ColumnType::Boolean:
      return {{"type", {"boolean", "null"}}};
    case ColumnType::DateTime:
      return {{"type", {"string", "null"}}, {"format", "date-time"}};
    case ColumnType::Date:
      return {{"type", {"string", "null"}}, {"format", "date"}};
    case ColumnType::Json:
      return {{"type", {"object", "array", "null"}}};
    case ColumnType::String:
      break;
  }
  return {{"type", {"string", "null"}}};
}

ColumnType column_type_of(const nlohmann::json &property_schema) {
  std::string type;
  if (property_schema.contains("type")) {
    const auto &declared = property_schema["type"];
    if (declared.is_string()) {
      type = declared.get<std::string>();
    } else if (declared.is_array()) {
      for (const auto &entry : declared) {
        if (entry.is_string() && entry.get<std::string>() != "null") {
          type = entry.get<std::string>();
          break;
        }
      }
    }
  }
  if (type == "integer") return ColumnType::Integer;
  if (type == "number") return ColumnType::Number;
  if (type == "boolean") return ColumnType::Boolean;
  if (type == "object" || type == "array") return ColumnType::Json;
  std::string format = property_schema.value("format", std::string());
  if (format == "date-time") return ColumnType::DateTime;
  if (format == "date") return ColumnType::Date;
  return ColumnType::String;
}

std::string_view to_string(ColumnType type) { return name_of(kColumnTypeNames, type, "string"); }

bool is_integer_text(std::string_view text) {
  std::size_t pos = 0;
  bool negative = !text.empty() && text[0] == '-';
  pos += negative;
  std::size_t digits = text.size() - pos;
  if (digits == 0 || digits > 19) return false;
  if (text[pos] == '0' && digits > 1) return false;
  for (std::size_t i = pos; i < text.size(); ++i) {
    if (!is_digit(text[i])) return false;
  }
  if (digits < 19) return true;
  // 19 digits: compare with the int64 limits.
  std::string_view limit = negative ? "9223372036854775808" : "9223372036854775807";
  return text.substr(pos) <= limit;
}

bool parse_boolean(std::string_view text, bool &value) {
  std::optional<bool> named = value_named_ignoring_case(kBooleanWords, text);
  if (named) value = *named;
  return named.has_value();
}

bool is_date_text(std::string_view text) {
  std::size_t pos = 0;
  int year = 0, month = 0, day = 0;
  return text.size() == 10 && read_date(text, pos, year, month, day);
}

bool parse_timestamp(std::string_view text, Timestamp &out) {
  // The shortest accepted form is "YYYY-MM-DDTHH:MM" (16 characters).
  if (text.size() < 16) return false;
  std::size_t pos = 0;
  Timestamp ts;
  if (!read_date(text, pos, ts.year, ts.month, ts.day)) return false;
  char separator = text[pos++];
  if (separator != 'T' && separator != 't' && separator != ' ') return false;
  if (!read_digits(text, pos, 2, ts.hour) || !expect(text, pos, ':') ||
      !read_digits(text, pos, 2, ts.minute) || ts.hour > 23 || ts.minute > 59) {
    return false;
  }
  if (pos < text.size() && text[pos] == ':') {
    ++pos;
    if (!read_digits(text, pos, 2, ts.second) || ts.second > 60) return false;
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      std::size_t start = pos;
      while (pos < text.size() && is_digit(text[pos])) ++pos;
      if (pos == start || pos - start > 9) return false;
      ts.fraction = text.substr(start, pos - start);
    }
  }
  if (pos == text.size()) {
    out = ts;
    return true;
  }
  char zone = text[pos++];
  if (zone == 'Z' || zone == 'z') {
    ts.has_offset = false;
  } else if (zone == '+' || zone == '-') {
    int hours = 0, minutes = 0;
    if (!read_digits(text, pos, 2, hours)) return false;
    if (pos < text.size()) {
      expect(text, pos, ':');
      if (!read_digits(text, pos, 2, minutes)) return false;
    }
    if (hours > 23 || minutes > 59) return false;
    ts.has_offset = hours != 0 || minutes != 0;
    ts.offset_minutes = (zone == '-' ? -1 : 1) * (hours * 60 + minutes);
  } else {
    return false;
  }
  if (pos != text.size()) return false;
  out = ts;
  return true;
}

void append_rfc3339(std::string &out, const Timestamp &ts) {
  // Assembled in a local buffer and appended once: this runs for every timestamp cell.
  char text[32];
  std::size_t n = 0;
  const auto two = [&](int value) {
    text[n++] = static_cast<char>('0' + value / 10);
    text[n++] = static_cast<char>('0' + value % 10);
  };
  two(ts.year / 100);
  two(ts.year % 100);
  text[n++] = '-';
  two(ts.month);
  text[n++] = '-';
  two(ts.day);
  text[n++] = 'T';
  two(ts.hour);
  text[n++] = ':';
  two(ts.minute);
  text[n++] = ':';
  two(ts.second);
  out.append(text, n);
  if (!ts.fraction.empty()) {
    out.push_back('.');
    out += ts.fraction;
  }
  if (!ts.has_offset) {
    out.push_back('Z');
    return;
  }
  int offset = ts.offset_minutes < 0 ? -ts.offset_minutes : ts.offset_minutes;
  n = 0;
  text[n++] = ts.offset_minutes < 0 ? '-' : '+';
  two(offset / 60);
  text[n++] = ':';
  two(offset % 60);
  out.append(text, n);
}

void append_utc_sort_key(std::string &out, const Timestamp &ts) {
  // Seconds from 0000-01-01 keep the key non-negative for every four-digit year.
  constexpr std::int64_t kYearZeroToEpoch = 62167219200;
  std::int64_t seconds = singer::days_from_civil(ts.year, static_cast<unsigned>(ts.month),
                                                 static_cast<unsigned>(ts.day)) *
                             86400 +
                         ts.hour * 3600 + ts.minute * 60 + ts.second -
                         std::int64_t{ts.offset_minutes} * 60 + kYearZeroToEpoch;
  char key[24];
  std::snprintf(key, sizeof key, "%012lld.", static_cast<long long>(seconds));
  out += key;
  out += ts.fraction;
  out.append(9 - ts.fraction.size(), '0');
}

}  // namespace chorus::tap_csv
