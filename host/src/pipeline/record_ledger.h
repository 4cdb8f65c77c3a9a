// The host's own count of what moves through a run, so that loss is detected, not assumed: the
// RECORDs the tap emitted per stream, the RECORDs that reached the target, and how many of
// those the target committed, known from the STATE values it echoes.
//
// How it is counted: the relay between the tap and the next member counts the tap's RECORD
// lines per stream (`read`). The relay in front of the target (the same relay when there is no
// mapper) counts what reaches the target (`sent`) and remembers those counts at every STATE it
// passes on. A target echoes a STATE only once every record before it is committed, so when it
// echoes a value, the counts remembered at the latest STATE with the same value are committed.
// What mappers removed or added is `read - sent`, seen at the two relays; a target that ends
// well without confirming the last STATE it received has not committed everything it was sent,
// and the run fails.
//
// Threads: each StreamCounts has one writer (its relay) and any number of readers;
// StateCheckpoints is fed by the target's relay and confirmed from the host's main thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "pipeline/singer_peek.h"

namespace chorus::host {

using CountsByStream = std::map<std::string, std::uint64_t>;

// RECORD lines per stream at one point of the pipeline.
class StreamCounts {
 public:
  // The relay's hot path: a name comparison and an increment when the stream is the previous
  // line's (the common case), a map lookup otherwise.
  void add(const SingerPeek &record);
  CountsByStream snapshot() const;
  std::uint64_t total() const;

 private:
  mutable std::mutex mutex_;  // guards the map's shape; the counters themselves are atomic
  std::map<std::string, std::atomic<std::uint64_t>> counts_;
  std::string last_raw_;
  std::atomic<std::uint64_t> *last_ = nullptr;
  std::atomic<std::uint64_t> total_{0};
};

// The STATE lines that reached the target, each with the counts it covers, until the target
// confirms them.
class StateCheckpoints {
 public:
  // A STATE line as the target is about to receive it, and the counts sent before it.
  void received(std::string_view state_line, CountsByStream counts);
  // The target echoed `value`: the counts of the latest received STATE with that value, or
  // nullopt when the target never received such a STATE. Earlier STATEs count as confirmed. The
  // value confirmed last may be confirmed again: its counts again.
  std::optional<CountsByStream> confirm(const nlohmann::json &value);

  std::size_t received_count() const;
  // True when the last STATE the target received has been confirmed (or none was received).
  bool last_received_confirmed() const;
  // The counts the last received STATE covers (empty when none was received).
  CountsByStream last_received_counts() const;

 private:
  struct Checkpoint {
    std::string value;  // the STATE value, serialized with sorted keys
    CountsByStream counts;
  };
  mutable std::mutex mutex_;
  std::deque<Checkpoint> pending_;
  std::optional<Checkpoint> last_confirmed_;
  CountsByStream last_received_;
  std::size_t received_ = 0;
};

struct StreamTally {
  std::uint64_t read = 0;       // RECORDs the tap emitted
  std::uint64_t sent = 0;       // RECORDs that reached the target (after mappers)
  std::uint64_t committed = 0;  // RECORDs covered by the last STATE the target confirmed
};

class RecordLedger {
 public:
  // `has_mappers`: whether a second relay counts in front of the target. `stored_state` is the
  // state the run starts from (its committed totals are carried on).
  RecordLedger(bool has_mappers, const nlohmann::json &stored_state);

  StreamCounts &read_counts() { return read_; }
  // Counted by the relay in front of the target: the same object as read_counts() without
  // mappers.
  StreamCounts &sent_counts() { return has_mappers_ ? sent_ : read_; }
  StateCheckpoints &checkpoints() { return checkpoints_; }
  const StateCheckpoints &checkpoints() const { return checkpoints_; }
  bool has_mappers() const { return has_mappers_; }

  // The target confirmed the STATE `value`. Returns what to merge into the stored state: the
  // committed counts per stream, this run's and every run's, under kStateKey.
  nlohmann::json confirmed(const nlohmann::json &value);

  std::map<std::string, StreamTally> tally() const;
  // Empty when the counts add up; else the sentence that fails the run.
  std::string mismatch(const std::string &target) const;

  // The key of the state file under which the counts are kept, beside "bookmarks".
  static constexpr const char *kStateKey = "chorus_record_counts";

 private:
  CountsByStream sent_counts_snapshot() const;

  bool has_mappers_;
  StreamCounts read_;
  StreamCounts sent_;
  StateCheckpoints checkpoints_;
  CountsByStream totals_before_;  // committed by earlier runs, from the stored state
  std::string started_at_;
  mutable std::mutex mutex_;
  CountsByStream committed_;
  bool unmatched_warned_ = false;
};

}  // namespace chorus::host
