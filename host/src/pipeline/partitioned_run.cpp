#include "pipeline/partitioned_run.h"

#include <chrono>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include "log.h"
#include "pipeline/pipeline_state.h"
#include "plugins/plugin_registry.h"

namespace chorus::host {
namespace {

std::string slice_part(int index, int count) {
  return "slice-" + std::to_string(index) + "-of-" + std::to_string(count);
}

bool declares_partition(const MemberSpec &member) {
  return !member.is_executable() && load_plugin(member.plugin)
                                        ->settings_schema()
                                        .value("properties", nlohmann::json::object())
                                        .contains("partition");
}

// The tap must declare the partition setting: a tap that does not would read every row in
// every slice.
void check_tap_splits(const PipelineSpec &spec) {
  const MemberSpec &tap = spec.members.front();
  if (!declares_partition(tap)) {
    throw std::runtime_error("tap '" + tap.display_name() +
                             "' cannot split its streams: --partition and --finalize need a tap "
                             "with the \"partition\" setting (tap-postgres, tap-mysql, tap-csv)");
  }
  if (spec.state_location.empty()) {
    throw std::runtime_error("a partitioned run needs a state store its slices share (--state)");
  }
}

// Tells the tap which slice to read (or that this is the final step), and the target too when
// it declares the setting: the SQL targets leave their once-only work (grants, statistics) to
// the final step.
void set_partition(PipelineSpec &spec, const nlohmann::json &partition) {
  spec.members.front().config["partition"] = partition;
  MemberSpec &target = spec.members.back();
  if (declares_partition(target)) target.config["partition"] = partition;
}

// The plan's lock is held only for a read and a write, so a slice that finds it taken waits.
std::unique_ptr<StateLock> lock_plan(StateStore &plan, const std::string &purpose) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (true) {
    try {
      return plan.lock(purpose);
    } catch (const StateLockedError &) {
      if (std::chrono::steady_clock::now() > deadline) throw;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The version of the open sync into `count` slices, opening one when there is none.
std::int64_t join_plan(const PipelineSpec &spec, int count) {
  PipelineSpec plan_spec = spec;
  plan_spec.state_part = "partitions";
  auto plan = open_pipeline_state(plan_spec);
  auto lock = lock_plan(*plan, "chorus run " + spec.name + " --partition");
  nlohmann::json current = plan->read().value_or(nlohmann::json::object());
  if (current.contains("version") && !current.value("finalized", false)) {
    if (current.value("count", 0) != count) {
      throw std::runtime_error(
          "a partitioned sync of " + spec.name + " into " +
          std::to_string(current.value("count", 0)) + " slices is not finalized (" +
          plan->location() + "); run its slices with --partition K/" +
          std::to_string(current.value("count", 0)) + " and then --finalize, or remove it " +
          "with `chorus state clear --state " + plan->location() + "`");
    }
    return current["version"].get<std::int64_t>();
  }
  nlohmann::json opened = {{"count", count}, {"version", now_ms()}, {"finalized", false}};
  plan->write(opened);
  log_info("partitioned sync of " + spec.name + " into " + std::to_string(count) +
           " slices opened (version " + opened["version"].dump() + ", plan " + plan->location() +
           ")");
  return opened["version"].get<std::int64_t>();
}

// The streams of a slice's state that are not complete under `version`; "" when all are.
std::string unfinished_streams(const nlohmann::json &state, std::int64_t version) {
  std::string names;
  const nlohmann::json bookmarks = state.value("bookmarks", nlohmann::json::object());
  for (const auto &[stream, bookmark] : bookmarks.items()) {
    const bool done =
        bookmark.is_object() && bookmark.value("version", std::int64_t{0}) == version &&
        (!bookmark.contains("last_pk_fetched") || bookmark["last_pk_fetched"].is_null());
    if (!done) names += (names.empty() ? "" : ", ") + stream;
  }
  return names;
}

}  // namespace

Partition parse_partition(const std::string &text) {
  Partition partition;
  const auto slash = text.find('/');
  try {
    std::size_t used = 0;
    if (slash == std::string::npos) throw std::invalid_argument("no slash");
    partition.index = std::stoi(text.substr(0, slash), &used);
    if (used != slash) throw std::invalid_argument("index");
    partition.count = std::stoi(text.substr(slash + 1), &used);
    if (used != text.size() - slash - 1) throw std::invalid_argument("count");
  } catch (const std::logic_error &) {
    partition.count = 0;
  }
  if (partition.count < 1 || partition.index < 1 || partition.index > partition.count) {
    throw std::runtime_error("--partition " + text +
                             ": give K/N, slice K (1..N) of N, such as --partition 2/4");
  }
  return partition;
}

int run_partition(PipelineSpec spec, const RunOptions &options, const Partition &slice) {
  check_tap_splits(spec);
  if (options.full_refresh) {
    throw std::runtime_error(
        "--partition and --full-refresh: a slice resumes only its own "
        "bookmarks; to start the sync again, finalize or clear its plan");
  }
  spec.state_part = slice_part(slice.index, slice.count);
  // The slice's own lock first: a second worker on this slice is refused before anything else.
  RunOptions slice_options = options;
  slice_options.lock_purpose = "chorus run " + spec.name + " --partition " +
                               std::to_string(slice.index) + "/" + std::to_string(slice.count);
  auto store = open_pipeline_state(spec);
  std::unique_ptr<StateLock> slice_lock = store->lock(slice_options.lock_purpose);
  const std::int64_t version = join_plan(spec, slice.count);
  set_partition(spec, {{"index", slice.index}, {"count", slice.count}, {"version", version}});
  slice_lock.reset();
  store.reset();
  // A worker that takes the slice in this instant is refused by the run's own lock.
  return run_pipeline(spec, slice_options);
}

int run_finalize(PipelineSpec spec, const RunOptions &options) {
  check_tap_splits(spec);
  PipelineSpec plan_spec = spec;
  plan_spec.state_part = "partitions";
  auto plan = open_pipeline_state(plan_spec);
  auto plan_lock = lock_plan(*plan, "chorus run " + spec.name + " --finalize");
  nlohmann::json current = plan->read().value_or(nlohmann::json::object());
  if (!current.contains("version") || current.value("finalized", false)) {
    throw std::runtime_error(
        "no partitioned sync of " + spec.name + " to finalize at " + plan->location() +
        (current.value("finalized", false) ? " (the last one is finalized already)"
                                           : " (no slice has run)"));
  }
  const int count = current.value("count", 0);
  const std::int64_t version = current["version"].get<std::int64_t>();
  // Every slice's lock, so that none runs while the old rows go, and every slice finished.
  std::vector<std::unique_ptr<StateStore>> slices;
  std::vector<std::unique_ptr<StateLock>> slice_locks;
  std::string unfinished;
  for (int index = 1; index <= count; ++index) {
    PipelineSpec slice_spec = spec;
    slice_spec.state_part = slice_part(index, count);
    slices.push_back(open_pipeline_state(slice_spec));
    slice_locks.push_back(slices.back()->lock("chorus run " + spec.name + " --finalize"));
    auto state = slices.back()->read();
    std::string streams = state ? unfinished_streams(*state, version) : "";
    if (!state || !state->contains("bookmarks")) streams = "it has not run";
    if (!streams.empty()) {
      unfinished += (unfinished.empty() ? "" : "; ") + std::to_string(index) + "/" +
                    std::to_string(count) + ": " + streams;
    }
  }
  if (!unfinished.empty()) {
    throw std::runtime_error("the partitioned sync of " + spec.name +
                             " cannot be finalized: slices not finished (" + unfinished +
                             "); run them with --partition K/" + std::to_string(count) + " first");
  }
  set_partition(spec, {{"count", count}, {"version", version}, {"finalize", true}});
  spec.state_part = "finalize";
  const int code = run_pipeline(spec, options);
  if (code != 0) return code;
  current["finalized"] = true;
  plan->write(current);
  log_info("partitioned sync of " + spec.name + " (version " + std::to_string(version) +
           ") finalized; the next --partition run opens a new one");
  return 0;
}

}  // namespace chorus::host
