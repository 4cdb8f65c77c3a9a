#include "pipeline/run_outcome.h"

#include <doctest/doctest.h>

using namespace chorus::host;

TEST_CASE("a tap's own failure is the cause even when the target's failure was noticed first") {
  RunVerdict verdict = judge_run({{1, 1, "target-x", "line 41: not JSON"},
                                  {2, 0, "tap-x", "executable 'tap-x' exited with status 1"}},
                                 "", 0, "");
  CHECK(verdict.exit_code == 1);
  CHECK(verdict.cause == "executable 'tap-x' exited with status 1");
}

TEST_CASE("a broken pipe is a consequence of the member downstream failing") {
  RunVerdict verdict =
      judge_run({{1, 0, "tap-x", "cannot write Singer messages to fd 5: Broken pipe"},
                 {2, 1, "target-x", "cannot connect"}},
                "", 0, "");
  CHECK(verdict.cause == "cannot connect");
}

TEST_CASE("when every failure reports a neighbour, the first noticed is the cause") {
  RunVerdict verdict = judge_run({{2, 0, "tap-x", "crashed with signal 13 (Broken pipe)"},
                                  {1, 1, "target-x", "exited after chorus asked it to stop"}},
                                 "", 0, "");
  CHECK(verdict.cause == "exited after chorus asked it to stop");
}

TEST_CASE("a stop request, a state that cannot be stored and uncounted records fail the run") {
  CHECK(judge_run({}, "", 15, "").exit_code == 143);
  CHECK(judge_run({}, "disk full", 0, "").cause == "cannot store the state: disk full");
  CHECK(judge_run({}, "", 0, "not confirmed").cause == "not confirmed");
  CHECK(judge_run({}, "", 0, "").succeeded());
  CHECK(judge_run({}, "", 0, "").exit_code == 0);
}
