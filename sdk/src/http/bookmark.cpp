#include "chorus/http/bookmark.h"

#include <cstdio>
#include <cstdlib>

#include "chorus/http/exact_json.h"
#include "chorus/singer/timestamps.h"

namespace chorus::http {
namespace {

// Reads exactly `count` digits at `at`, advancing it.
bool digits(std::string_view text, std::size_t &at, std::size_t count, unsigned &out) {
  if (at + count > text.size()) return false;
  out = 0;
  for (std::size_t i = 0; i < count; ++i) {
    char c = text[at + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + static_cast<unsigned>(c - '0');
  }
  at += count;
  return true;
}

bool expect(std::string_view text, std::size_t &at, char c) {
  if (at >= text.size() || text[at] != c) return false;
  ++at;
  return true;
}

std::string as_text(const nlohmann::json &value) {
  if (value.is_string()) return value.get<std::string>();
  if (is_exact_number(value)) return exact_number_text(value);
  return value.dump();
}

// A number as a long double, for ordering: numbers, exact numbers from their text, and a string
// that is all number (an exact number's bookmark, kept in state as text).
std::optional<long double> numeric_value(const nlohmann::json &value) {
  if (value.is_number()) return value.get<long double>();
  if (!is_exact_number(value) && !value.is_string()) return std::nullopt;
  std::string text = as_text(value);
  if (text.empty()) return std::nullopt;
  char *end = nullptr;
  long double number = std::strtold(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return std::nullopt;
  return number;
}

}  // namespace

std::optional<Instant> parse_date_time(std::string_view text) {
  std::size_t at = 0;
  unsigned year, month, day, hour, minute, second = 0;
  if (!digits(text, at, 4, year) || !expect(text, at, '-') || !digits(text, at, 2, month) ||
      !expect(text, at, '-') || !digits(text, at, 2, day)) {
    return std::nullopt;
  }
  if (at >= text.size() || (text[at] != 'T' && text[at] != 't' && text[at] != ' ')) {
    return std::nullopt;  // a bare date is left to text ordering
  }
  ++at;
  if (!digits(text, at, 2, hour) || !expect(text, at, ':') || !digits(text, at, 2, minute)) {
    return std::nullopt;
  }
  if (at < text.size() && text[at] == ':' && !(++at, digits(text, at, 2, second))) {
    return std::nullopt;
  }
  std::int32_t nanoseconds = 0;
  if (at < text.size() && (text[at] == '.' || text[at] == ',')) {
    ++at;
    std::size_t first = at;
    std::int32_t scale = 100000000;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      nanoseconds += (text[at] - '0') * scale;  // digits past nanoseconds are dropped
      scale /= 10;
      ++at;
    }
    if (at == first) return std::nullopt;
  }
  std::int64_t offset_seconds = 0;
  if (at < text.size()) {
    char sign = text[at++];
    if (sign == 'Z' || sign == 'z') {
      // UTC
    } else if (sign == '+' || sign == '-') {
      unsigned offset_hours, offset_minutes = 0;
      if (!digits(text, at, 2, offset_hours)) return std::nullopt;
      if (at < text.size() && text[at] == ':') ++at;
      if (at < text.size() && !digits(text, at, 2, offset_minutes)) return std::nullopt;
      if (offset_hours > 23 || offset_minutes > 59) return std::nullopt;
      offset_seconds = (sign == '+' ? 1 : -1) *
                       static_cast<std::int64_t>(offset_hours * 3600 + offset_minutes * 60);
    } else {
      return std::nullopt;
    }
  }
  if (at != text.size()) return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > singer::days_in_month(year, month) || hour > 23 ||
      minute > 59 || second > 60) {
    return std::nullopt;
  }
  if (second == 60) second = 59;  // a leap second orders with the second before it
  Instant instant;
  instant.seconds = singer::days_from_civil(year, month, day) * 86400 + std::int64_t{hour} * 3600 +
                    std::int64_t{minute} * 60 + second - offset_seconds;
  instant.nanoseconds = nanoseconds;
  return instant;
}

std::string format_date_time(const Instant &instant) {
  std::int64_t days = instant.seconds / 86400;
  std::int64_t rest = instant.seconds % 86400;
  if (rest < 0) {
    rest += 86400;
    --days;
  }
  std::int64_t year;
  unsigned month, day;
  singer::civil_from_days(days, year, month, day);
  char text[64];
  std::snprintf(text, sizeof text, "%04lld-%02u-%02uT%02lld:%02lld:%02lld",
                static_cast<long long>(year), month, day, static_cast<long long>(rest / 3600),
                static_cast<long long>(rest / 60 % 60), static_cast<long long>(rest % 60));
  std::string out = text;
  if (instant.nanoseconds != 0) {
    char fraction[16];
    std::snprintf(fraction, sizeof fraction, ".%09d", instant.nanoseconds);
    std::string digits_text = fraction;
    while (digits_text.back() == '0') digits_text.pop_back();
    out += digits_text;
  }
  return out + "Z";
}

bool replication_value_less(const nlohmann::json &a, const nlohmann::json &b) {
  if (a.is_string() && b.is_string()) {
    auto x = parse_date_time(a.get_ref<const std::string &>());
    auto y = parse_date_time(b.get_ref<const std::string &>());
    if (x && y) return *x < *y;
  }
  if (a.is_number() || is_exact_number(a) || b.is_number() || is_exact_number(b)) {
    auto x = numeric_value(a), y = numeric_value(b);
    if (x && y) return *x < *y;
  }
  return as_text(a) < as_text(b);
}

BookmarkTracker::BookmarkTracker(const nlohmann::json &start) {
  if (!start.is_null()) start_ = read(start);
}

BookmarkTracker::Value BookmarkTracker::read(const nlohmann::json &value) {
  Value out{value, std::nullopt};
  if (value.is_string()) out.instant = parse_date_time(value.get_ref<const std::string &>());
  return out;
}

bool BookmarkTracker::less(const Value &a, const Value &b) {
  if (a.instant && b.instant) return *a.instant < *b.instant;
  return replication_value_less(a.json, b.json);
}

nlohmann::json BookmarkTracker::canonical(const Value &value) {
  if (value.instant) return format_date_time(*value.instant);
  // State is plain JSON: an exact number is kept as its text, which orders as a number.
  if (is_exact_number(value.json)) return exact_number_text(value.json);
  return value.json;
}

bool BookmarkTracker::before_start(const nlohmann::json &value) const {
  if (!start_ || value.is_null()) return false;
  return less(read(value), *start_);
}

void BookmarkTracker::observe(const nlohmann::json &value) {
  if (value.is_null()) return;
  Value seen = read(value);
  if (!greatest_ || less(*greatest_, seen)) greatest_ = std::move(seen);
}

nlohmann::json BookmarkTracker::start_parameter() const {
  return start_ ? canonical(*start_) : nlohmann::json();
}

nlohmann::json BookmarkTracker::bookmark() const {
  if (greatest_ && (!start_ || !less(*greatest_, *start_))) return canonical(*greatest_);
  return start_ ? canonical(*start_) : nlohmann::json();
}

}  // namespace chorus::http
