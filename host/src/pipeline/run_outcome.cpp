#include "pipeline/run_outcome.h"

#include <algorithm>
#include <cstring>

#include "log.h"

namespace chorus::host {
namespace {

bool reports_a_neighbour(const MemberFailure &failure) {
  for (const char *sign : {"Broken pipe", "signal 13", "after chorus asked it to stop"}) {
    if (failure.message.find(sign) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

RunVerdict judge_run(std::vector<MemberFailure> failures, const std::string &state_error,
                     int stop_signal, const std::string &count_mismatch) {
  std::sort(failures.begin(), failures.end(),
            [](const MemberFailure &a, const MemberFailure &b) { return a.order < b.order; });
  RunVerdict verdict;
  if (stop_signal != 0) {
    // The members stopped because they were asked to: what they report follows from the stop.
    for (const auto &failure : failures) {
      const bool says_so = failure.message.find("asked it to stop") != std::string::npos;
      log_warn(failure.message + (says_so ? "" : " (after the stop request)"));
    }
    const char *name = ::strsignal(stop_signal);
    verdict.exit_code = 128 + stop_signal;
    verdict.cause = "stopped by signal " + std::to_string(stop_signal) +
                    (name ? " (" + std::string(name) + ")" : "") +
                    "; the state holds what the target confirmed";
  } else if (!failures.empty()) {
    std::size_t cause_index = 0;
    for (std::size_t i = 0; i < failures.size(); ++i) {
      if (reports_a_neighbour(failures[i])) continue;
      if (reports_a_neighbour(failures[cause_index]) ||
          failures[i].position < failures[cause_index].position) {
        cause_index = i;
      }
    }
    const MemberFailure cause = failures[cause_index];
    log_error(cause.message);
    for (std::size_t i = 0; i < failures.size(); ++i) {
      if (i == cause_index) continue;
      log_warn("'" + failures[i].member + "' failed as a consequence of '" + cause.member +
               "' failing: " + failures[i].message);
    }
    verdict.exit_code = 1;
    verdict.cause = cause.message;
  } else if (!state_error.empty()) {
    verdict.exit_code = 1;
    verdict.cause = "cannot store the state: " + state_error;
    log_error(verdict.cause);
  } else if (!count_mismatch.empty()) {
    verdict.exit_code = 1;
    verdict.cause = count_mismatch;
    log_error(verdict.cause);
  }
  if (!state_error.empty() && verdict.cause.find(state_error) == std::string::npos) {
    log_error("cannot store the state: " + state_error);
  }
  return verdict;
}

}  // namespace chorus::host
