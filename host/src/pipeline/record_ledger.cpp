#include "pipeline/record_ledger.h"

#include <spdlog/fmt/fmt.h>

#include <chrono>
#include <ctime>

#include "log.h"

namespace chorus::host {
namespace {

// A STATE value that is not held for ever: once this many STATEs wait for the target's
// confirmation, the oldest are dropped (a target that confirms rarely then confirms a newer one).
constexpr std::size_t kMaxPendingStates = 100000;

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm parts{};
  ::gmtime_r(&now, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

}  // namespace

void StreamCounts::add(const SingerPeek &record) {
  if (last_ == nullptr || record.raw_stream != last_raw_) {
    std::string name = stream_name(record);
    std::lock_guard lock(mutex_);
    last_ = &counts_.try_emplace(std::move(name), 0).first->second;
    last_raw_ = std::string(record.raw_stream);
  }
  // One writer: a plain load and store, no locked read-modify-write on the hot path.
  last_->store(last_->load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  total_.store(total_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

CountsByStream StreamCounts::snapshot() const {
  CountsByStream copy;
  std::lock_guard lock(mutex_);
  for (const auto &[stream, count] : counts_) copy[stream] = count.load(std::memory_order_relaxed);
  return copy;
}

std::uint64_t StreamCounts::total() const { return total_.load(std::memory_order_relaxed); }

void StateCheckpoints::received(std::string_view state_line, CountsByStream counts) {
  auto message = nlohmann::json::parse(state_line, nullptr, false);
  if (!message.is_object() || !message.contains("value")) return;  // the target reports it
  std::lock_guard lock(mutex_);
  ++received_;
  last_received_ = counts;
  pending_.push_back({message["value"].dump(), std::move(counts)});
  if (pending_.size() > kMaxPendingStates) pending_.pop_front();
}

std::optional<CountsByStream> StateCheckpoints::confirm(const nlohmann::json &value) {
  const std::string key = value.dump();
  std::lock_guard lock(mutex_);
  for (std::size_t i = pending_.size(); i-- > 0;) {
    if (pending_[i].value != key) continue;
    last_confirmed_ = std::move(pending_[i]);
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(i) + 1);
    return last_confirmed_->counts;
  }
  // A tap may send one value twice in a row (tap-postgres does after a full table) and the
  // target echo both: the second echo confirms the same point again, it is no unknown STATE.
  if (last_confirmed_ && last_confirmed_->value == key) return last_confirmed_->counts;
  return std::nullopt;
}

std::size_t StateCheckpoints::received_count() const {
  std::lock_guard lock(mutex_);
  return received_;
}

bool StateCheckpoints::last_received_confirmed() const {
  std::lock_guard lock(mutex_);
  return pending_.empty();
}

CountsByStream StateCheckpoints::last_received_counts() const {
  std::lock_guard lock(mutex_);
  return last_received_;
}

RecordLedger::RecordLedger(bool has_mappers, const nlohmann::json &stored_state)
    : has_mappers_(has_mappers), started_at_(utc_now()) {
  if (!stored_state.is_object()) return;
  auto counts = stored_state.find(kStateKey);
  if (counts == stored_state.end() || !counts->is_object()) return;
  for (const auto &[stream, entry] : counts->items()) {
    if (!entry.is_object()) continue;
    auto committed = entry.find("committed");
    if (committed != entry.end() && committed->is_number_integer() && *committed >= 0) {
      totals_before_[stream] = committed->get<std::uint64_t>();
    }
  }
}

nlohmann::json RecordLedger::confirmed(const nlohmann::json &value) {
  auto counts = checkpoints_.confirm(value);
  std::lock_guard lock(mutex_);
  if (!counts) {
    if (!unmatched_warned_) {
      log_warn(
          "the target confirmed a STATE it was never sent (its value differs from every STATE "
          "that reached it), so chorus cannot tell which records that STATE covers");
      unmatched_warned_ = true;
    }
    return nlohmann::json::object();
  }
  committed_ = std::move(*counts);
  nlohmann::json streams = nlohmann::json::object();
  for (const auto &[stream, count] : committed_) {
    auto before = totals_before_.find(stream);
    const std::uint64_t total = count + (before == totals_before_.end() ? 0 : before->second);
    streams[stream] = {{"committed", total},
                       {"last_run", {{"committed", count}, {"started_at", started_at_}}}};
  }
  return {{kStateKey, streams}};
}

std::map<std::string, StreamTally> RecordLedger::tally() const {
  std::map<std::string, StreamTally> result;
  for (const auto &[stream, count] : read_.snapshot()) result[stream].read = count;
  for (const auto &[stream, count] : sent_counts_snapshot()) result[stream].sent = count;
  std::lock_guard lock(mutex_);
  for (const auto &[stream, count] : committed_) result[stream].committed = count;
  return result;
}

CountsByStream RecordLedger::sent_counts_snapshot() const {
  return has_mappers_ ? sent_.snapshot() : read_.snapshot();
}

std::string RecordLedger::mismatch(const std::string &target) const {
  if (checkpoints_.received_count() == 0 || checkpoints_.last_received_confirmed()) return {};
  const CountsByStream covered = checkpoints_.last_received_counts();
  std::lock_guard lock(mutex_);
  std::string detail;
  for (const auto &[stream, count] : covered) {
    auto committed = committed_.find(stream);
    const std::uint64_t done = committed == committed_.end() ? 0 : committed->second;
    if (done == count) continue;
    if (!detail.empty()) detail += "; ";
    detail += fmt::format("stream {}: {} records before that STATE, {} confirmed committed", stream,
                          count, done);
  }
  std::string text = "target '" + target +
                     "' ended without confirming the last STATE it received, so not everything "
                     "it was sent is known to be committed";
  if (!detail.empty()) text += " (" + detail + ")";
  return text + "; the state file holds what it confirmed, and a re-run sends the rest again";
}

}  // namespace chorus::host
