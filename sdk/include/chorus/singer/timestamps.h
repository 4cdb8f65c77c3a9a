// The one clock-to-text conversion plugins use for Singer timestamps (time_extracted,
// _sdc_extracted_at, _sdc_batched_at, ...).
#pragma once

#include <string>

namespace chorus::singer {

// The current UTC time as RFC 3339 with microseconds: "2026-11-23T06:42:07.781523Z".
std::string utc_now_rfc3339();

}  // namespace chorus::singer
