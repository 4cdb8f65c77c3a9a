// The one clock-to-text conversion plugins use for Singer timestamps (time_extracted,
// _sdc_extracted_at, _sdc_batched_at, ...), and the one proleptic Gregorian calendar they
// convert dates with.
#pragma once

#include <cstdint>
#include <string>

namespace chorus::singer {

// The current UTC time as RFC 3339 with microseconds: "2026-11-23T06:42:07.781523Z".
std::string utc_now_rfc3339();

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's civil-days algorithm);
// month 1-12, day 1-31.
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day);
// The inverse: the date of a day count since 1970-01-01.
void civil_from_days(std::int64_t days, std::int64_t &year, unsigned &month, unsigned &day);
// Days in `month` (1-12) of `year`, leap years included.
unsigned days_in_month(std::int64_t year, unsigned month);

}  // namespace chorus::singer
