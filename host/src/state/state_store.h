// The pipeline's state file: read at start, advanced only from STATE lines the target echoes.
// Whoever changes it holds its lock first (lock()); reading needs no lock, since a write replaces
// the file in one rename.
#pragma once

#include <filesystem>
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
  explicit StateStore(std::filesystem::path path) : path_(std::move(path)) {}

  const std::filesystem::path &path() const { return path_; }

  // The stored state, or nullopt when there is no file. Throws std::runtime_error naming the
  // file when it is not valid JSON.
  std::optional<nlohmann::json> read() const;

  // Replaces the file atomically: a temporary file in the same folder (mode 0600) is written,
  // fsynced and renamed over the old one, then the folder is fsynced. A crash at any instant
  // leaves the old or the new state, never a torn one. Creates the folder when missing.
  void write(const nlohmann::json &state) const;

  // Removes the file; true when there was one.
  bool clear() const;

  // Takes the state's lock for `purpose` ("chorus run orders"), without waiting; held until the
  // returned object is destroyed. Throws StateLockedError naming the holder.
  std::unique_ptr<StateLock> lock(const std::string &purpose) const;

 private:
  std::filesystem::path path_;
};

}  // namespace chorus::host
