#include "members/member.h"

namespace chorus::host {

void Member::mark_finished(bool ok) {
  static std::atomic<unsigned> next_failure{1};
  // Only the first call of a failed member counts: a supervisor marks the failure as soon as the
  // child has exited, before it has gathered the message, so that the order is that of the
  // failures, not of how long each member's last log lines took to drain.
  if (!ok && !failed_.exchange(true)) failure_order_.store(next_failure.fetch_add(1));
}

}  // namespace chorus::host
