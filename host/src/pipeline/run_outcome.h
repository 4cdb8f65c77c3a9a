// How a run ended, decided once from everything that went wrong, with the root cause first and
// the other failures logged as its consequences (a target that fails on the truncated input of
// a failed tap is not a second bug).
//
// Which failure is the cause: members fail in a chain, and the moment each failure is noticed
// races (a tap's exit closes its pipe before the host has reaped it), so time alone cannot
// tell. A failure that only reports what a neighbour did (a broken pipe, SIGPIPE, stopping
// when chorus asked) is never the cause when another failure is not of that kind; among the
// others the one furthest upstream is, since a member's failure reaches downstream as a
// truncated input. When every failure is of that kind, the first noticed is the cause.
#pragma once

#include <string>
#include <vector>

namespace chorus::host {

struct MemberFailure {
  unsigned order = 0;        // Member::failure_order(): lower was noticed first
  std::size_t position = 0;  // 0 for the tap, then mappers, the target last
  std::string member;
  std::string message;
};

struct RunVerdict {
  int exit_code = 0;
  std::string cause;  // empty when the run succeeded
  bool succeeded() const { return cause.empty(); }
};

// Logs every failure (the cause as an error, the rest as warnings naming the cause) and returns
// the verdict: exit 0; 1 when a member failed, the state could not be stored or the record counts
// do not add up (`count_mismatch`, see RecordLedger::mismatch); 128+signal when stopped by
// `stop_signal`.
RunVerdict judge_run(std::vector<MemberFailure> failures, const std::string &state_error,
                     int stop_signal, const std::string &count_mismatch);

}  // namespace chorus::host
