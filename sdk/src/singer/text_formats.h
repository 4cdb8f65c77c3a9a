// Syntax checks for the JSON Schema string formats a Singer schema uses on timestamps.
#pragma once

#include <string_view>

namespace chorus::singer::detail {

// RFC 3339 full-date: "2024-02-29" (the day must exist in that month).
bool is_rfc3339_date(std::string_view text);

// RFC 3339 partial-time with an optional offset: "12:30:00", "12:30:00.5+02:00". The offset is
// optional because taps commonly write a time of day without one.
bool is_rfc3339_time(std::string_view text);

// RFC 3339 date-time: full-date, 'T' (or 't', or a space, which RFC 3339 section 5.6 permits
// for readability), partial-time, then a required offset ("Z" or "+01:00").
bool is_rfc3339_date_time(std::string_view text);

}  // namespace chorus::singer::detail
