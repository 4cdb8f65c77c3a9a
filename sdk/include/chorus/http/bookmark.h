// Replication-key values of a REST stream: how two are ordered, and the one bookmark a sync keeps.
//
// Date-times are ordered as instants, not as text: "2024-01-01T10:00:00+02:00" (08:00 UTC) comes
// before "2024-01-01T09:30:00Z". Numbers (exact ones included) are ordered numerically; anything
// else by its text.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace chorus::http {

// A moment in UTC: seconds since 1970-01-01T00:00:00Z and nanoseconds within that second.
struct Instant {
  std::int64_t seconds = 0;
  std::int32_t nanoseconds = 0;
  friend bool operator<(const Instant &a, const Instant &b) {
    return a.seconds != b.seconds ? a.seconds < b.seconds : a.nanoseconds < b.nanoseconds;
  }
  friend bool operator==(const Instant &a, const Instant &b) {
    return a.seconds == b.seconds && a.nanoseconds == b.nanoseconds;
  }
};

// Parses an RFC 3339 / ISO 8601 date-time: "2024-01-01T10:00:00+02:00", "...T08:00:00.5Z",
// "2024-01-01 08:00:00Z", "...+0200". One without an offset is read as UTC. A bare date, or
// anything else, gives nullopt.
std::optional<Instant> parse_date_time(std::string_view text);

// The canonical form of an instant: UTC, "Z", fraction digits only as many as needed
// ("2024-01-01T08:00:00Z", "2024-01-01T08:00:00.5Z").
std::string format_date_time(const Instant &instant);

// True when replication-key value `a` comes before `b` (see the top of this file).
bool replication_value_less(const nlohmann::json &a, const nlohmann::json &b);

// Follows the replication-key values of one sync: the bookmark it started from, and the greatest
// value seen since.
class BookmarkTracker {
 public:
  // `start`: the value to resume from (state or start_date), or null.
  explicit BookmarkTracker(const nlohmann::json &start);

  // True for a value that comes before the starting bookmark (equal values are kept: delivery is
  // at least once). Null values never do.
  bool before_start(const nlohmann::json &value) const;
  // Takes `value` into account for the greatest value seen.
  void observe(const nlohmann::json &value);

  // The starting value as it is sent to the API (date-times in canonical form); null when none.
  nlohmann::json start_parameter() const;
  // The bookmark to store: the greatest value seen (or the start when nothing was greater), a
  // date-time in canonical form, an exact number as its text; null when there is none.
  nlohmann::json bookmark() const;

 private:
  struct Value {
    nlohmann::json json;
    std::optional<Instant> instant;
  };
  static Value read(const nlohmann::json &value);
  static bool less(const Value &a, const Value &b);
  static nlohmann::json canonical(const Value &value);
  std::optional<Value> start_;
  std::optional<Value> greatest_;
};

}  // namespace chorus::http
