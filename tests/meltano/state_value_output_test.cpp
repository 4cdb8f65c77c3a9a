// Under `chorus exec`, a target prints each state value alone, as Singer targets do.
#include "state/state_value_output.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <csignal>

#include "process/child_process.h"
#include "process/fd_io.h"

using namespace chorus::host;

TEST_CASE("a STATE message becomes its value; any other line passes unchanged") {
  CHECK(state_value_line(R"({"type":"STATE","value":{"bookmarks":{"orders":{"id":3}}}})") ==
        "{\"bookmarks\":{\"orders\":{\"id\":3}}}\n");
  CHECK(state_value_line(R"({"value":{"n":1},"type":"state"})") == "{\"n\":1}\n");
  CHECK(state_value_line(R"({"bookmarks":{}})") == "{\"bookmarks\":{}}\n");
  CHECK(state_value_line("not json") == "not json\n");
}

TEST_CASE("the relay prints every state the target wrote, in order, before finish returns") {
  int out[2];
  make_pipe(out);
  {
    StateValueRelay relay(out[1]);
    const std::string lines =
        "{\"type\":\"STATE\",\"value\":{\"n\":1}}\n{\"type\":\"STATE\",\"value\":{\"n\":2}}";
    REQUIRE(write_all(relay.target_fd(), lines));
    relay.finish();
  }
  close_fd(out[1]);
  CHECK(read_all(out[0]) == "{\"n\":1}\n{\"n\":2}\n");
  close_fd(out[0]);
}

TEST_CASE("a closed stdout is reported by finish, not lost in silence") {
  std::signal(SIGPIPE, SIG_IGN);  // as chorus does: a closed pipe is EPIPE, not death
  int out[2];
  make_pipe(out);
  close_fd(out[0]);
  StateValueRelay relay(out[1]);
  write_all(relay.target_fd(), "{\"type\":\"STATE\",\"value\":{\"n\":1}}\n");
  CHECK_THROWS_WITH(relay.finish(), doctest::Contains("cannot print the target's state"));
  close_fd(out[1]);
}
