#include "state_follower.h"

#include <doctest/doctest.h>

#include "child_process.h"

using namespace chorus::host;

TEST_CASE("STATE lines split across reads are merged and stored as they complete") {
  TempDir dir;
  StateStore store(dir.path() / "s.json");
  StateFollower follower("target-x", &store, {{"bookmarks", {{"users", {{"id", 1}}}}}});
  follower.feed(R"({"type":"STATE","value":{"bookmarks":{"orders":)");
  CHECK_FALSE(store.read().has_value());
  follower.feed(
      "{\"id\":4}}}}\n{\"type\":\"state\",\"value\":{\"bookmarks\":{\"orders\":{\"id\":5}}}}");
  CHECK((*store.read())["bookmarks"]["orders"]["id"] == 4);
  follower.finish();
  CHECK((*store.read())["bookmarks"]["orders"]["id"] == 5);
  CHECK((*store.read())["bookmarks"]["users"]["id"] == 1);
  CHECK(follower.states_received() == 2);
}

TEST_CASE("lines other than STATE on a target's output never change the state") {
  TempDir dir;
  StateStore store(dir.path() / "s.json");
  StateFollower follower("target-x", &store, nlohmann::json::object());
  follower.feed("{\"type\":\"RECORD\",\"stream\":\"a\",\"record\":{}}\nnot json\n");
  follower.finish();
  CHECK_FALSE(store.read().has_value());
  CHECK(follower.states_received() == 0);
}

TEST_CASE("what the annotator returns for an echoed STATE is stored beside the bookmarks") {
  TempDir dir;
  StateStore store(dir.path() / "s.json");
  StateFollower follower("target-x", &store, nlohmann::json::object());
  nlohmann::json seen;
  follower.set_annotator([&seen](const nlohmann::json &value) {
    seen = value;
    return nlohmann::json{{"counts", {{"orders", 3}}}};
  });
  follower.feed("{\"type\":\"STATE\",\"value\":{\"bookmarks\":{\"orders\":{\"id\":3}}}}\n");
  CHECK(seen["bookmarks"]["orders"]["id"] == 3);
  CHECK((*store.read())["counts"]["orders"] == 3);
  CHECK((*store.read())["bookmarks"]["orders"]["id"] == 3);
}
