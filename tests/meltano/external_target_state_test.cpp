// A Singer target run by `chorus run` prints bare state values; the host stores them.
#include <doctest/doctest.h>

#include "process/child_process.h"
#include "process/temp_files.h"
#include "state/file_state_store.h"
#include "state/state_follower.h"

using namespace chorus::host;

TEST_CASE("bare state values from a Singer target are merged and stored like STATE messages") {
  TempDir dir;
  FileStateStore store(dir.path() / "s.json");
  StateFollower follower("target-rows", &store, {{"bookmarks", {{"users", {{"id", 1}}}}}});
  follower.feed("{\"bookmarks\":{\"orders\":{\"id\":4}}}\n");
  CHECK((*store.read())["bookmarks"]["orders"]["id"] == 4);
  follower.feed("{\"type\":\"STATE\",\"value\":{\"bookmarks\":{\"orders\":{\"id\":5}}}}\n");
  follower.finish();
  CHECK((*store.read())["bookmarks"]["orders"]["id"] == 5);
  CHECK((*store.read())["bookmarks"]["users"]["id"] == 1);
  CHECK(follower.states_received() == 2);
}
