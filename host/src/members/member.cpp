#include "members/member.h"

namespace chorus::host {

void Member::mark_finished(bool ok) {
  static std::atomic<unsigned> next_failure{1};
  if (!ok) {
    failure_order_.store(next_failure.fetch_add(1));
    failed_.store(true);
  }
}

}  // namespace chorus::host
