#include "pipeline/pipeline_runner.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>

#include "log.h"
#include "members/external_member.h"
#include "members/isolated_member.h"
#include "members/thread_member.h"
#include "pipeline/metrics.h"
#include "pipeline/pipe_relay.h"
#include "pipeline/pipeline_state.h"
#include "pipeline/record_ledger.h"
#include "pipeline/run_outcome.h"
#include "pipeline/run_report.h"
#include "plugins/catalog_selection.h"
#include "plugins/discovery.h"
#include "plugins/plugin_registry.h"
#include "process/child_process.h"
#include "process/fd_io.h"
#include "process/stop_signal.h"
#include "process/temp_files.h"
#include "state/state_follower.h"
#include "state/state_store.h"

namespace chorus::host {
namespace {

// Settings of an external executable are not declared anywhere; redact values whose key says
// they are secret.
void add_secrets_by_key_name(const nlohmann::json &config) {
  if (!config.is_object()) return;
  for (const auto &[key, value] : config.items()) {
    std::string lower = key;
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    bool secret = false;
    for (const char *word : {"password", "secret", "token", "key", "credential"}) {
      secret = secret || lower.find(word) != std::string::npos;
    }
    if (secret && value.is_string()) redactor().add_secret(value.get<std::string>());
    if (value.is_object()) add_secrets_by_key_name(value);
  }
}

std::unique_ptr<Member> make_member(const MemberSpec &spec, const RunOptions &options,
                                    const TapInputs &tap_inputs, MetricsCollector &metrics) {
  const std::string name = spec.display_name();
  if (spec.is_executable()) {
    auto program = find_executable(spec.executable);
    if (!program) {
      throw std::runtime_error("executable '" + spec.executable + "' (the pipeline's " +
                               role_name(spec.role) + ") not found on PATH");
    }
    add_secrets_by_key_name(spec.config);
    return std::make_unique<ExternalMember>(name, spec.role, *program, spec.config, tap_inputs,
                                            spec.args, &metrics);
  }
  auto library = load_plugin(spec.plugin);
  if (library->kind() != role_name(spec.role)) {
    throw std::runtime_error("plugin '" + library->name() + "' is a " + library->kind() +
                             " but is used as the pipeline's " + role_name(spec.role));
  }
  redactor().add_secrets_from(library->settings_schema(), spec.config);
  if (options.isolate) {
    return std::make_unique<IsolatedMember>(spec.role, library, spec.config, tap_inputs, &metrics);
  }
  auto log = std::make_unique<MemberLog>(library->name(), &metrics);
  auto instance = std::make_unique<PluginInstance>(library, spec.config, log->function());
  return std::make_unique<ThreadMember>(spec.role, std::move(log), std::move(instance), tap_inputs);
}

TapInputs prepare_tap_inputs(const PipelineSpec &spec, const RunOptions &options,
                             const std::optional<nlohmann::json> &stored_state,
                             MetricsCollector &metrics) {
  TapInputs inputs;
  inputs.full_refresh = options.full_refresh;
  if (stored_state && !options.full_refresh) inputs.state_json = stored_state->dump();
  const MemberSpec &tap = spec.members.front();
  if (!tap.select.empty()) {
    nlohmann::json catalog = discover_catalog(tap, options.isolate, &metrics);
    inputs.catalog_json = select_streams(std::move(catalog), tap.select).dump();
  }
  return inputs;
}

int run_members(const PipelineSpec &spec, const RunOptions &options) {
  if (spec.members.size() < 2) {
    throw std::runtime_error("a pipeline needs a tap and a target");
  }
  MetricsCollector metrics;
  std::unique_ptr<StateStore> store = open_pipeline_state(spec);
  std::optional<nlohmann::json> stored_state;
  std::unique_ptr<StateLock> state_lock;  // held to the end of the run, released before `store`
  if (store) {
    state_lock = store->lock(options.lock_purpose.empty() ? "chorus run " + spec.name
                                                          : options.lock_purpose);
    stored_state = store->read();
  }
  if (std::size_t swept = sweep_stale_temp_dirs(temp_base()); swept > 0) {
    log_info("removed " + std::to_string(swept) + " temporary folder(s) left by killed runs");
  }
  const TapInputs tap_inputs = prepare_tap_inputs(spec, options, stored_state, metrics);

  std::vector<std::unique_ptr<Member>> members;
  for (const auto &member_spec : spec.members) {
    members.push_back(make_member(member_spec, options, tap_inputs, metrics));
  }

  // Pipes: tap -> relay -> first reader -> ... -> [relay ->] target -> host. With mappers, a
  // second relay counts what reaches the target. Every fd is close-on-exec, and isolated
  // children close every fd they were not given.
  const bool has_mappers = members.size() > 2;
  // The state the run builds on: the stored one, or nothing on a full refresh.
  const nlohmann::json initial_state = options.full_refresh
                                           ? nlohmann::json::object()
                                           : stored_state.value_or(nlohmann::json::object());
  RecordLedger ledger(has_mappers, initial_state);
  std::vector<std::pair<int, int>> ends(members.size(), {-1, -1});  // {in, out} per member
  // Writers flush 1 MiB blocks: pipes of the default 64 KiB would cut each block into 16
  // wake-ups of the reader.
  constexpr int kDataPipeBytes = 1 << 20;
  auto data_pipe = [](int fds[2]) {
    make_pipe(fds);
    widen_pipe(fds[1], kDataPipeBytes);
  };
  int tap_pipe[2];
  int relay_pipe[2];
  data_pipe(tap_pipe);
  data_pipe(relay_pipe);
  ends[0].second = tap_pipe[1];
  ends[1].first = relay_pipe[0];
  int target_relay_in[2] = {-1, -1};
  int target_relay_out[2] = {-1, -1};
  for (std::size_t i = 1; i + 1 < members.size(); ++i) {
    if (i + 2 == members.size()) {
      data_pipe(target_relay_in);
      data_pipe(target_relay_out);
      ends[i].second = target_relay_in[1];
      ends[i + 1].first = target_relay_out[0];
    } else {
      int link[2];
      data_pipe(link);
      ends[i].second = link[1];
      ends[i + 1].first = link[0];
    }
  }
  int state_pipe[2];
  make_pipe(state_pipe);
  ends.back().second = state_pipe[1];

  // Every fork happens before the first thread starts: a child forked from a process with
  // running threads could inherit a lock held by one of them.
  std::vector<bool> launched(members.size(), false);
  try {
    for (std::size_t i = 0; i < members.size(); ++i) {
      launched[i] = true;  // launch() owns the fds from here on, even when it throws
      members[i]->launch(ends[i].first, ends[i].second);
    }
  } catch (...) {
    // Members not launched still own their fds; launched ones closed the host's copies. Closing
    // the rest gives every child EOF or EPIPE, so none of them waits for the others.
    for (std::size_t i = 0; i < members.size(); ++i) {
      if (!launched[i]) {
        close_fd(ends[i].first);
        close_fd(ends[i].second);
      }
    }
    for (int fd : {tap_pipe[0], relay_pipe[1], target_relay_in[0], target_relay_out[1]}) {
      if (fd >= 0) ::close(fd);
    }
    ::close(state_pipe[0]);
    throw;
  }
  PipeRelay relay;
  relay.start(tap_pipe[0], relay_pipe[1], &ledger.read_counts(),
              has_mappers ? nullptr : &ledger.checkpoints());
  PipeRelay target_relay;
  if (has_mappers) {
    target_relay.start(target_relay_in[0], target_relay_out[1], &ledger.sent_counts(),
                       &ledger.checkpoints());
  }
  for (auto &member : members) member->start_threads();

  RunReport report(ledger, members.front()->name(), members.back()->name(),
                   options.progress_interval);
  StateFollower follower(members.back()->name(), store.get(), initial_state);
  follower.set_annotator(
      [&ledger](const nlohmann::json &value) { return ledger.confirmed(value); });
  bool stop_forwarded = false;
  std::string state_error;
  char buffer[65536];
  while (true) {
    pollfd watch{state_pipe[0], POLLIN, 0};
    int ready = ::poll(&watch, 1, 250);
    if (ready > 0) {
      ssize_t n = ::read(state_pipe[0], buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      try {
        follower.feed(std::string_view(buffer, static_cast<std::size_t>(n)));
      } catch (const std::exception &e) {
        // The state cannot be stored: stop extracting, the run has failed.
        if (state_error.empty()) state_error = e.what();
        request_stop();
      }
    }
    const bool any_failed =
        std::any_of(members.begin(), members.end(), [](const auto &m) { return m->failed(); });
    if (!stop_forwarded && (stop_requested() || any_failed || !state_error.empty())) {
      // Stop the producers; the target drains what reached it and echoes its state.
      request_stop();
      for (auto &member : members) member->interrupt();
      stop_forwarded = true;
      if (stop_signal() != 0) {
        log_warn("stop requested: ending the tap, letting the target store what it has");
      }
    }
    report.tick();
  }
  try {
    follower.finish();
  } catch (const std::exception &e) {
    if (state_error.empty()) state_error = e.what();
  }
  ::close(state_pipe[0]);

  std::vector<MemberFailure> failures;
  for (std::size_t i = 0; i < members.size(); ++i) {
    MemberOutcome outcome = members[i]->wait();
    if (!outcome.ok) {
      failures.push_back({members[i]->failure_order(), i, members[i]->name(), outcome.message});
    }
  }
  relay.join();
  target_relay.join();
  const RunVerdict verdict = judge_run(std::move(failures), state_error, stop_signal(),
                                       ledger.mismatch(members.back()->name()));
  log_info(follower.outcome());
  report.finish(verdict, relay.bytes(), follower.states_received());
  return verdict.exit_code;
}

}  // namespace

int run_pipeline(const PipelineSpec &spec, const RunOptions &options) {
  try {
    return run_members(spec, options);
  } catch (const std::exception &e) {
    // A problem found before anything ran (a plugin not found, a config rejected): the run's
    // last line says so like any other failure.
    log_error(std::string("run failed: ") + e.what() + " | nothing was run");
    return 1;
  }
}

}  // namespace chorus::host
