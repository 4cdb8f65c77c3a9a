#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "process/child_process.h"
#include "process/temp_files.h"
#include "state/file_state_store.h"

using chorus::host::FileStateStore;
using chorus::host::merge_state;
using nlohmann::json;

TEST_CASE("merge_state keeps the bookmarks of streams the update does not mention") {
  json previous = {{"bookmarks", {{"orders", {{"id", 5}}}, {"users", {{"id", 9}}}}}};
  json update = {{"bookmarks", {{"orders", {{"id", 7}}}}}};
  json merged = merge_state(previous, update);
  CHECK(merged["bookmarks"]["orders"]["id"] == 7);
  CHECK(merged["bookmarks"]["users"]["id"] == 9);
}

TEST_CASE("merge_state merges a stream's bookmark key by key and replaces non-objects") {
  json previous = {{"bookmarks", {{"orders", {{"id", 5}, {"version", 1}}}}},
                   {"currently_syncing", "orders"}};
  json update = {{"bookmarks", {{"orders", {{"id", 6}}}}}, {"currently_syncing", nullptr}};
  json merged = merge_state(previous, update);
  CHECK(merged["bookmarks"]["orders"]["id"] == 6);
  CHECK(merged["bookmarks"]["orders"]["version"] == 1);
  CHECK(merged["currently_syncing"].is_null());
}

TEST_CASE("a state written by StateStore reads back, with mode 0600 and no temporary file left") {
  chorus::host::TempDir dir;
  FileStateStore store(dir.path() / "nested" / "pipe.state.json");
  CHECK_FALSE(store.read().has_value());
  json state = {{"bookmarks", {{"orders", {{"id", 3}}}}}};
  store.write(state);
  REQUIRE(store.read().has_value());
  CHECK(*store.read() == state);
  struct stat info {};
  REQUIRE(::stat(store.path().c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  int files = 0;
  for (const auto &entry : std::filesystem::directory_iterator(store.path().parent_path())) {
    (void)entry;
    ++files;
  }
  CHECK(files == 1);
  CHECK(store.clear());
  CHECK_FALSE(store.read().has_value());
}

TEST_CASE("a torn state file is reported with the file's name and how to fix it") {
  chorus::host::TempDir dir;
  std::ofstream(dir.path() / "bad.json") << "{\"bookmarks\": ";
  FileStateStore store(dir.path() / "bad.json");
  CHECK_THROWS_WITH(store.read(), doctest::Contains("chorus state clear"));
}
