#include "state/state_lock.h"

#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "process/child_process.h"
#include "process/temp_files.h"
#include "state/file_state_store.h"

using namespace chorus::host;

namespace {

nlohmann::json lock_file_content(const std::filesystem::path &state) {
  std::ifstream in(FileStateLock::lock_path_for(state));
  std::string text(std::istreambuf_iterator<char>(in), {});
  return text.empty() ? nlohmann::json() : nlohmann::json::parse(text);
}

// Forks a child that takes the lock, tells the parent, and waits for the parent's word before it
// exits without releasing (as a killed process does). Returns the child's pid; `go` is the fd
// that lets it exit.
pid_t child_holding_lock(const std::filesystem::path &state, int &go) {
  int ready[2], release[2];
  REQUIRE(::pipe(ready) == 0);
  REQUIRE(::pipe(release) == 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(ready[0]);
    ::close(release[1]);  // so that the parent closing its end is an EOF here
    new FileStateLock(state, "chorus run child");  // never destroyed: a death, not a release
    char byte = 1;
    if (::write(ready[1], &byte, 1) != 1) ::_exit(2);
    if (::read(release[0], &byte, 1) < 0) ::_exit(3);
    ::_exit(0);
  }
  ::close(ready[1]);
  ::close(release[0]);
  char byte = 0;
  REQUIRE(::read(ready[0], &byte, 1) == 1);
  ::close(ready[0]);
  go = release[1];
  return pid;
}

}  // namespace

TEST_CASE("a second lock on a state is refused, naming the holder's purpose, pid, host and time") {
  TempDir dir;
  FileStateStore store(dir.path() / "sub" / "s.json");
  auto first = store.lock("chorus run orders");
  try {
    store.lock("chorus state set");
    FAIL("the second lock was granted");
  } catch (const StateLockedError &e) {
    const std::string message = e.what();
    CHECK(message.find("is in use by chorus run orders (pid " + std::to_string(::getpid())) !=
          std::string::npos);
    CHECK(message.find(" on host ") != std::string::npos);
    CHECK(message.find(", since 20") != std::string::npos);
    CHECK(e.holder().pid == ::getpid());
  }
  first.reset();
  CHECK(lock_file_content(store.path()).is_null());  // a clean release empties the file
  auto again = store.lock("chorus state set");
  CHECK(lock_file_content(store.path())["purpose"] == "chorus state set");
}

TEST_CASE("a lock held by another process is refused; once it dies, its lock is taken over") {
  TempDir dir;
  const auto state = dir.path() / "s.json";
  int go = -1;
  pid_t holder = child_holding_lock(state, go);
  try {
    FileStateLock refused(state, "chorus run parent");
    FAIL("the lock of a live process was taken");
  } catch (const StateLockedError &e) {
    CHECK(e.holder().pid == holder);
    CHECK(e.holder().purpose == "chorus run child");
  }
  ::close(go);  // the child exits without releasing
  int status = 0;
  REQUIRE(::waitpid(holder, &status, 0) == holder);
  CHECK(lock_file_content(state)["pid"] == holder);  // what it left behind
  FileStateLock taken(state, "chorus run parent");
  CHECK(lock_file_content(state)["pid"] == ::getpid());
}
