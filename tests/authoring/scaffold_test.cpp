// `chorus new`: names, files and refusals (the projects' build is scaffold_projects_test.sh).
#include "scaffold/scaffold.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace chorus::host::scaffold;

namespace {

std::filesystem::path fresh_folder(const std::string &name) {
  auto folder = std::filesystem::temp_directory_path() /
                ("chorus-scaffold-" + std::to_string(getpid()) + "-" + name);
  std::filesystem::remove_all(folder);
  return folder;
}

std::string read(const std::filesystem::path &path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("project names follow the Singer name: tap-my-api, tap_my_api, MyApiTap") {
  ProjectNames names = project_names("tap", "my-api");
  CHECK(names.plugin == "tap-my-api");
  CHECK(names.identifier == "tap_my_api");
  CHECK(names.class_name == "MyApiTap");
  CHECK(project_names("mapper", "pii2").class_name == "Pii2Mapper");
  CHECK_THROWS_AS(project_names("source", "x"), std::invalid_argument);
  CHECK_THROWS_AS(project_names("tap", "My_Api"), std::invalid_argument);
  CHECK_THROWS_AS(project_names("tap", "2fast"), std::invalid_argument);
  CHECK_THROWS_AS(project_names("tap", "trailing-"), std::invalid_argument);
}

TEST_CASE(
    "every kind writes a CMake project on find_package(chorus-sdk), sources, a test, a README") {
  for (std::string kind : {"tap", "target", "mapper"}) {
    CAPTURE(kind);
    auto folder = fresh_folder(kind);
    auto written = write_project({kind, "demo", folder});
    std::string ident = kind + "_demo";
    for (std::string file : {"CMakeLists.txt", "README.md", ".gitignore", "src/entry.cpp"}) {
      CHECK(std::filesystem::exists(folder / file));
    }
    CHECK(std::filesystem::exists(folder / "src" / (ident + ".h")));
    CHECK(std::filesystem::exists(folder / "src" / (ident + ".cpp")));
    CHECK(std::filesystem::exists(folder / "tests" / (ident + "_test.cpp")));
    CHECK(written.size() == 7);
    std::string cmake = read(folder / "CMakeLists.txt");
    CHECK(cmake.find("find_package(chorus-sdk") != std::string::npos);
    CHECK(cmake.find("chorus_add_" + kind + "(demo ") != std::string::npos);
    // No placeholder survives in any file.
    for (const auto &file : written) {
      std::string text = read(folder / file);
      for (const char *placeholder :
           {"@PLUGIN@", "@NAME@", "@IDENT@", "@CLASS@", "@KIND@", "@RUN@"}) {
        const std::string where = file.string() + " holds " + placeholder;
        CHECK_MESSAGE(text.find(placeholder) == std::string::npos, where);
      }
    }
    std::filesystem::remove_all(folder);
  }
}

TEST_CASE("a folder that is not empty is refused and left alone") {
  auto folder = fresh_folder("busy");
  std::filesystem::create_directories(folder);
  std::ofstream(folder / "keep.txt") << "mine";
  CHECK_THROWS_AS(write_project({"tap", "demo", folder}), std::runtime_error);
  CHECK(read(folder / "keep.txt") == "mine");
  CHECK_FALSE(std::filesystem::exists(folder / "CMakeLists.txt"));
  std::filesystem::remove_all(folder);
}
