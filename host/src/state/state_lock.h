// Only one run (or one `chorus state set|merge|clear`) changes a state at a time: without a lock,
// two runs on one state both succeed and the later one erases the other's bookmarks.
//
// A StateLock is held from construction until destruction. Each kind of state store has its own
// (StateStore::lock() makes the right one); this file has the lock of a state file. Whoever is
// refused learns who holds the state: purpose, pid, host and since when.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace chorus::host {

// Who holds (or last held) a state.
struct StateLockHolder {
  std::string purpose;  // "chorus run orders", "chorus state set"
  long pid = 0;
  std::string host;
  std::string since;  // UTC, ISO 8601

  // "chorus run orders (pid 4242 on host etl-1, since 2026-01-05T10:00:00Z)"
  std::string describe() const;

  // This process, now, for `purpose`.
  static StateLockHolder current(std::string purpose);
  // As a lock record stores it: {"purpose", "pid", "host", "since"}.
  nlohmann::json to_json() const;
  // From such a record; purpose is empty when `record` is not one.
  static StateLockHolder from_json(const nlohmann::json &record);
  // True when the holder ran on this host and its process is gone: a lock it left behind is
  // free at once, whatever its lease says.
  bool dead_on_this_host() const;
};

// The message of a refusal: "state X is in use by <holder>; only one run at a time ...".
// `where` says where the lock lives ("its lock is s3://b/k.lock").
std::string state_in_use_message(const std::string &state, const StateLockHolder &holder,
                                 const std::string &where);

// Another process holds the state; the message names it and what to do.
class StateLockedError : public std::runtime_error {
 public:
  StateLockedError(const std::string &message, StateLockHolder holder)
      : std::runtime_error(message), holder_(std::move(holder)) {}
  const StateLockHolder &holder() const { return holder_; }

 private:
  StateLockHolder holder_;
};

class StateLock {
 public:
  StateLock() = default;
  StateLock(const StateLock &) = delete;
  StateLock &operator=(const StateLock &) = delete;
  virtual ~StateLock() = default;
};

// The lock of a state file: flock(2) on a lock file next to it (`<state>.lock`, mode 0600), which
// holds the holder's purpose, pid, host and start time for the message others get. The kernel
// releases a flock when its process dies, SIGKILL included, so a lock left by a killed run is
// free: the next run takes it over and logs who left it. A clean release empties the file, which
// is how a lock left behind is told apart. The file itself stays (removing it would let two
// processes lock two different files of the same name).
class FileStateLock final : public StateLock {
 public:
  // Takes the lock without waiting. Throws StateLockedError when another process (or another
  // lock in this one) holds it, std::runtime_error when the lock file cannot be created.
  FileStateLock(const std::filesystem::path &state_path, std::string purpose);
  ~FileStateLock() override;

  static std::filesystem::path lock_path_for(const std::filesystem::path &state_path);

 private:
  int fd_ = -1;
};

}  // namespace chorus::host
