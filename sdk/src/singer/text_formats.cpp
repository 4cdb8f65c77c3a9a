#include "singer/text_formats.h"

#include "chorus/singer/timestamps.h"

namespace chorus::singer::detail {

namespace {

bool read_digits(std::string_view text, std::size_t at, std::size_t count, int &value) {
  if (at + count > text.size()) return false;
  value = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  return true;
}

// Parses full-date at the front of `text`; returns its length (10) or 0.
std::size_t date_prefix(std::string_view text) {
  int year, month, day;
  if (!read_digits(text, 0, 4, year) || text.size() < 10 || text[4] != '-' ||
      !read_digits(text, 5, 2, month) || text[7] != '-' || !read_digits(text, 8, 2, day)) {
    return 0;
  }
  if (month < 1 || month > 12 || day < 1 ||
      static_cast<unsigned>(day) > days_in_month(year, static_cast<unsigned>(month))) {
    return 0;
  }
  return 10;
}

// Parses partial-time (HH:MM:SS[.frac]) at the front of `text`; returns its length or 0.
std::size_t time_prefix(std::string_view text) {
  int hour, minute, second;
  if (!read_digits(text, 0, 2, hour) || text.size() < 8 || text[2] != ':' ||
      !read_digits(text, 3, 2, minute) || text[5] != ':' || !read_digits(text, 6, 2, second)) {
    return 0;
  }
  if (hour > 23 || minute > 59 || second > 60) return 0;  // 60: a leap second
  std::size_t at = 8;
  if (at < text.size() && text[at] == '.') {
    ++at;
    const std::size_t digits_start = at;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') ++at;
    if (at == digits_start) return 0;
  }
  return at;
}

// True when `text` is exactly a time offset: "Z", "z" or "+HH:MM" / "-HH:MM".
bool is_offset(std::string_view text) {
  if (text == "Z" || text == "z") return true;
  int hour, minute;
  return text.size() == 6 && (text[0] == '+' || text[0] == '-') && read_digits(text, 1, 2, hour) &&
         text[3] == ':' && read_digits(text, 4, 2, minute) && hour <= 23 && minute <= 59;
}

}  // namespace

bool is_rfc3339_date(std::string_view text) { return text.size() == 10 && date_prefix(text) == 10; }

bool is_rfc3339_time(std::string_view text) {
  const std::size_t length = time_prefix(text);
  if (length == 0) return false;
  return length == text.size() || is_offset(text.substr(length));
}

bool is_rfc3339_date_time(std::string_view text) {
  if (date_prefix(text) == 0 || text.size() < 11) return false;
  const char separator = text[10];
  if (separator != 'T' && separator != 't' && separator != ' ') return false;
  const std::string_view rest = text.substr(11);
  const std::size_t length = time_prefix(rest);
  return length != 0 && is_offset(rest.substr(length));
}

}  // namespace chorus::singer::detail
