#include "copy_connections.h"

namespace chorus::target_postgres {

CopyConnections::CopyConnections(pg::ConnectionSettings settings, std::size_t count)
    : settings_(std::move(settings)), connections_(count) {}

pg::Connection &CopyConnections::at(std::size_t index) {
  auto &connection = connections_.at(index);
  if (!connection) {
    connection = std::make_unique<pg::Connection>(settings_, "target-postgres");
    prepare_session(*connection);
  }
  return *connection;
}

void prepare_session(pg::Connection &connection) { connection.execute("SET TIME ZONE 'UTC'"); }

}  // namespace chorus::target_postgres
