// Where a pipeline's state lives: read at start, advanced only from STATE lines the target echoes.
// A store is chosen by the state's location (open_state_store): a local file, an object in S3
// (s3://bucket/key) or a row of a PostgreSQL table (postgresql://...). Whoever changes a state
// holds its lock first (lock()); every write replaces the whole state at once, so a reader never
// sees half of one and a crash at any instant leaves the old state or the new one.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "state/state_lock.h"

namespace chorus::host {

// Meltano-style merge: objects are merged key by key, recursively (so the bookmarks of a stream
// the update does not mention are kept); any other value in `update` replaces the previous one.
nlohmann::json merge_state(const nlohmann::json &previous, const nlohmann::json &update);

class StateStore {
 public:
  StateStore() = default;
  StateStore(const StateStore &) = delete;
  StateStore &operator=(const StateStore &) = delete;
  virtual ~StateStore() = default;

  // Where the state is, for messages: a path or a URL (never a password).
  virtual std::string location() const = 0;

  // The stored state, or nullopt when there is none. Throws std::runtime_error naming the
  // location when it is not valid JSON.
  virtual std::optional<nlohmann::json> read() = 0;

  // Replaces the state atomically. A store whose lock can be lost (a lease) refuses to write
  // once it is, so that two workers never both advance one state.
  virtual void write(const nlohmann::json &state) = 0;

  // Removes the state; true when there was one.
  virtual bool clear() = 0;

  // Takes the state's lock for `purpose` ("chorus run orders"), without waiting; held until the
  // returned object is destroyed, which must happen before the store is. Throws
  // StateLockedError naming the holder.
  virtual std::unique_ptr<StateLock> lock(const std::string &purpose) = 0;
};

// What a location leaves to the pipeline.
// Seconds an S3 state lock lasts without renewal unless the pipeline's `state_lock_lease:` says
// otherwise; the holder renews it every third of that.
inline constexpr int kStateLeaseSeconds = 60;

struct StateStoreOptions {
  // The state's name where the location names only a place: an s3:// prefix ending in '/'
  // (Meltano's layout, <prefix>/<state_id>/state.json) and a postgresql:// URL without
  // ?state_id=. The pipeline's name.
  std::string state_id;
  // An S3-compatible endpoint ("http://127.0.0.1:9000") and region; empty: AWS_ENDPOINT_URL_S3,
  // then AWS_ENDPOINT_URL; AWS_REGION, then AWS_DEFAULT_REGION, then us-east-1.
  std::string s3_endpoint;
  std::string s3_region;
  // S3: seconds a lock lasts without renewal (kStateLeaseSeconds unless `state_lock_lease:`).
  int lock_lease_seconds = kStateLeaseSeconds;
};

// A stored state's text as JSON; nullopt for an empty text. Throws naming `location` when it is
// not JSON.
std::optional<nlohmann::json> parse_stored_state(const std::string &text,
                                                 const std::string &location);

// True for a location that is a URL of a remote store (s3://, postgresql://, postgres://).
bool is_state_url(const std::string &location);

// The store of `location`: "s3://bucket/key", "postgresql://user@host:port/db?state_id=NAME",
// "file:///path" or a plain path (a file). Throws std::runtime_error naming the location when
// it is not one of these, or a store cannot be reached.
std::unique_ptr<StateStore> open_state_store(const std::string &location,
                                             const StateStoreOptions &options);

}  // namespace chorus::host
