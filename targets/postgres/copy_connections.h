// The extra connections target-postgres loads slices of one batch over, in parallel.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "chorus/pg/connection.h"

namespace chorus::target_postgres {

// Opened on first use, each with the session settings of the target's main connection, and
// shared by the target's sinks: their loads run one at a time, so no two use one connection.
class CopyConnections {
 public:
  CopyConnections(pg::ConnectionSettings settings, std::size_t count);

  std::size_t size() const { return connections_.size(); }
  pg::Connection &at(std::size_t index);

 private:
  pg::ConnectionSettings settings_;
  std::vector<std::unique_ptr<pg::Connection>> connections_;
};

// Prepares a target-postgres session: timestamps in UTC, so COPY text is read the same way on
// every connection.
void prepare_session(pg::Connection &connection);

}  // namespace chorus::target_postgres
