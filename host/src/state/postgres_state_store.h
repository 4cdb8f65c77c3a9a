// A state as one row of the table `chorus_state` in a PostgreSQL database.
//
// The location is a libpq-style URL, postgresql://USER[:PASSWORD]@HOST[:PORT]/DBNAME, with
// optional ?state_id=NAME (default: the pipeline's name) and ?sslmode=, sslrootcert=, sslcert=,
// sslkey=, connect_timeout=. A password left out of the URL comes from PGPASSWORD or ~/.pgpass.
// The table is created when missing, in the connection's first schema on its search_path:
//
//   chorus_state (state_id text PRIMARY KEY, value text NOT NULL, updated_at timestamptz)
//   chorus_state_lock (state_id text PRIMARY KEY, holder text NOT NULL)
//
// Every write is one upsert statement, hence one transaction. The lock is a session advisory lock
// on the state id (pg_try_advisory_lock) taken on the connection that also does the writes: the
// server releases it when that connection ends, whatever ended it (a SIGKILL of the run, a
// network failure), and a write after that fails instead of racing the next holder. The
// holder's details are kept in chorus_state_lock for the message others get.
#pragma once

#include <memory>
#include <string>

#include "state/state_store.h"

namespace chorus::host {

std::unique_ptr<StateStore> open_postgres_state_store(const std::string &url,
                                                      const std::string &default_state_id);

}  // namespace chorus::host
