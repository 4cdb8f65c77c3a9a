// PostgreSQL's epoch, 2000-01-01 00:00 UTC, from which its wire formats count timestamps
// (microseconds) and dates (days); shared by the binary COPY fields and the replication
// protocol's status messages.
#pragma once

#include <cstdint>

namespace chorus::pg {

// Days from 1970-01-01 to 2000-01-01.
inline constexpr std::int64_t kPostgresEpochUnixDays = 10957;
inline constexpr std::int64_t kPostgresEpochUnixMicros = kPostgresEpochUnixDays * 86400 * 1000000;

}  // namespace chorus::pg
