// Files every scaffolded project has, whatever its kind: the CMake project, README, .gitignore.
#include "scaffold/scaffold.h"
#include "scaffold/templates.h"

namespace chorus::host::scaffold {

const char *const kCMakeLists =
    R"chorus(# @PLUGIN@: a chorus plugin, built against the installed chorus SDK.
#
#   cmake -S . -B build -DCMAKE_PREFIX_PATH=<chorus install prefix>
#   cmake --build build && ctest --test-dir build --output-on-failure
cmake_minimum_required(VERSION 3.20)
project(@PLUGIN@ VERSION 0.1.0 LANGUAGES CXX)

set(CMAKE_CXX_STANDARD 17)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
if(NOT CMAKE_BUILD_TYPE)
  set(CMAKE_BUILD_TYPE RelWithDebInfo)
endif()

# chorus::sdk (plus chorus::http, chorus::s3, chorus::sql helpers) and chorus_add_@KIND@().
find_package(chorus-sdk 0.1 REQUIRED)

# The plugin: @PLUGIN@.so, hidden visibility, only chorus_plugin_entry exported.
chorus_add_@KIND@(@NAME@ SOURCES src/@IDENT@.cpp src/entry.cpp)
target_compile_options(@PLUGIN@ PRIVATE -Wall -Wextra)

# The test drives the plugin class directly and checks the built library's entry point.
include(CTest)
find_package(doctest QUIET)
if(BUILD_TESTING AND doctest_FOUND)
  add_executable(@IDENT@_test tests/@IDENT@_test.cpp src/@IDENT@.cpp)
  target_link_libraries(@IDENT@_test PRIVATE chorus::sdk doctest::doctest ${CMAKE_DL_LIBS})
  target_include_directories(@IDENT@_test PRIVATE src)
  target_compile_definitions(@IDENT@_test PRIVATE PLUGIN_FILE="$<TARGET_FILE:@PLUGIN@>")
  add_dependencies(@IDENT@_test @PLUGIN@)
  add_test(NAME @IDENT@_test COMMAND @IDENT@_test)
elseif(BUILD_TESTING)
  message(WARNING "doctest was not found, so the tests are not built (Debian: doctest-dev)")
endif()
)chorus";

const char *const kGitignore = R"chorus(build/
.chorus/
)chorus";

const char *const kEntry =
    R"chorus(// The plugin's one exported symbol. Kept apart from the class so the test can compile the class
// without defining a second entry point.
#include <chorus/plugin/entry.h>

#include "@IDENT@.h"

CHORUS_PLUGIN(@IDENT@::@CLASS@)
)chorus";

// Checks shared by every kind's test: the built library describes itself through the C ABI.
const char *const kEntryTest = R"chorus(
TEST_CASE("the built library exports chorus_plugin_entry and describes @PLUGIN@") {
  void *library = dlopen(PLUGIN_FILE, RTLD_NOW | RTLD_LOCAL);
  REQUIRE_MESSAGE(library != nullptr, dlerror());
  auto entry = reinterpret_cast<chorus_plugin_entry_fn>(dlsym(library, CHORUS_ENTRY_SYMBOL));
  const bool exported = entry != nullptr;  // (doctest cannot print a function pointer)
  REQUIRE_MESSAGE(exported, "no " CHORUS_ENTRY_SYMBOL " in " PLUGIN_FILE);
  const chorus_plugin_v1 *plugin = entry(CHORUS_ABI_MAJOR, CHORUS_ABI_MINOR);
  REQUIRE(plugin != nullptr);
  CHECK(std::string(plugin->name) == "@PLUGIN@");
  CHECK(nlohmann::json::parse(plugin->about_json)["name"] == "@PLUGIN@");
  dlclose(library);
}
)chorus";

const char *const kReadme = R"chorus(# @PLUGIN@

A chorus @KIND@ plugin. It builds `@PLUGIN@.so`, which the `chorus` host loads, and which any
Singer orchestrator can run through `chorus exec`.

## Build and test

    cmake -S . -B build -DCMAKE_PREFIX_PATH=<chorus install prefix>
    cmake --build build
    ctest --test-dir build --output-on-failure

The test (`tests/@IDENT@_test.cpp`) drives the plugin class directly and loads the built
library through the C ABI, as the host does. It needs doctest (Debian: `doctest-dev`).

## Run

@RUN@    chorus exec build/@PLUGIN@.so -- --about
    chorus test build/@PLUGIN@.so --config config.json     # the conformance suite

Add `build/` to `CHORUS_PLUGIN_PATH` to refer to the plugin by its name, `@PLUGIN@`.

## Where to go from here

- `src/@IDENT@.h` / `src/@IDENT@.cpp`: the plugin class. Its settings are the JSON Schema in
  `info()`; unknown keys are refused for you.
- The chorus guides: writing-a-@KIND@.md, abi.md, state.md and meltano.md in chorus's docs/.
)chorus";

}  // namespace chorus::host::scaffold
