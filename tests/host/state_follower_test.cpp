#include "state/state_follower.h"

#include <doctest/doctest.h>

#include <fstream>
#include <iterator>

#include "process/child_process.h"
#include "process/temp_files.h"
#include "state/file_state_store.h"
#include "state/state_line.h"

using namespace chorus::host;

TEST_CASE("STATE lines split across reads are merged and stored as they complete") {
  TempDir dir;
  FileStateStore store(dir.path() / "s.json");
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
  FileStateStore store(dir.path() / "s.json");
  StateFollower follower("target-x", &store, nlohmann::json::object());
  follower.feed("{\"type\":\"RECORD\",\"stream\":\"a\",\"record\":{}}\nnot json\n");
  follower.finish();
  CHECK_FALSE(store.read().has_value());
  CHECK(follower.states_received() == 0);
}

TEST_CASE("what the annotator returns for an echoed STATE is stored beside the bookmarks") {
  TempDir dir;
  FileStateStore store(dir.path() / "s.json");
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

TEST_CASE(
    "a bare state value, as Singer and Meltano SDK targets print it, is stored like a STATE") {
  TempDir dir;
  FileStateStore store(dir.path() / "s.json");
  StateFollower follower("target-singer", &store, {{"bookmarks", {{"users", {{"id", 1}}}}}});
  follower.feed("{\"bookmarks\":{\"orders\":{\"id\":4}}}\n");
  CHECK((*store.read())["bookmarks"]["orders"]["id"] == 4);
  follower.feed("{\"type\":\"STATE\",\"value\":{\"bookmarks\":{\"orders\":{\"id\":6}}}}\n");
  follower.feed("{\"bookmarks\":{\"orders\":{\"id\":8}}}");
  follower.finish();
  CHECK((*store.read())["bookmarks"]["orders"]["id"] == 8);
  CHECK((*store.read())["bookmarks"]["users"]["id"] == 1);
  CHECK(follower.states_received() == 3);
}

namespace {

std::string file_bytes(const std::filesystem::path &path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("a state value that is not an object is refused, naming the target and the line") {
  for (const std::string bad : {"5", "\"x\"", "null", "[1,2]"}) {
    for (const std::string &line : {bad, "{\"type\":\"STATE\",\"value\":" + bad + "}",
                                    "{\"type\":\"state\",\"value\":" + bad + "}"}) {
      CAPTURE(line);
      TempDir dir;
      FileStateStore store(dir.path() / "s.json");
      store.write({{"bookmarks", {{"orders", {{"id", 3}}}}}});
      const std::string before = file_bytes(store.path());
      StateFollower follower("target-x", &store, *store.read());
      follower.feed("{\"bookmarks\":{\"orders\":{\"id\":3}}}\n");
      CHECK_THROWS_WITH_AS(follower.feed(line + "\n"),
                           doctest::Contains("target 'target-x', line 2 of its output"),
                           StateValueError);
      // Later good states are not stored either: the run has failed at the bad one.
      follower.feed("{\"bookmarks\":{\"orders\":{\"id\":9}}}\n");
      follower.finish();
      CHECK(file_bytes(store.path()) == before);
      CHECK(follower.outcome().find("up to the one that failed") != std::string::npos);
    }
  }
}

TEST_CASE("a STATE message without a value is refused and nothing is stored") {
  TempDir dir;
  FileStateStore store(dir.path() / "s.json");
  StateFollower follower("target-x", &store, nlohmann::json::object());
  CHECK_THROWS_WITH_AS(follower.feed("{\"type\":\"STATE\"}\n"),
                       doctest::Contains("without \"value\""), StateValueError);
  CHECK_FALSE(store.read().has_value());
  CHECK(follower.outcome().find("state not stored") != std::string::npos);
}

TEST_CASE("the end-of-run line says where the state went, or that it was not stored") {
  TempDir dir;
  FileStateStore store(dir.path() / "s.json");
  StateFollower stored("target-x", &store, nlohmann::json::object());
  stored.feed("{\"bookmarks\":{}}\n");
  CHECK(stored.outcome().rfind("state stored at " + store.path().string(), 0) == 0);
  StateFollower none("target-x", &store, nlohmann::json::object());
  CHECK(none.outcome().find("no STATE of target 'target-x' arrived") != std::string::npos);
  StateFollower no_file("target-x", nullptr, nlohmann::json::object());
  CHECK(no_file.outcome().rfind("state not stored", 0) == 0);
}
