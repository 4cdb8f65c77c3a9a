// Where plugins are found: CHORUS_PLUGIN_PATH, then next to the chorus program (build tree and
// installed layout).
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "plugins/plugin_library.h"

namespace chorus::host {

// The running chorus executable, links resolved (also when started through a link named for a
// plugin), and the folder holding it.
std::filesystem::path executable_path();
std::filesystem::path executable_dir();

// In search order: each entry of CHORUS_PLUGIN_PATH (colon separated), <exe dir>/plugins,
// <exe dir>/../lib/chorus/plugins. Folders that do not exist are kept (the error message lists
// what was searched).
std::vector<std::filesystem::path> plugin_search_path();

// True for tap-*.so, target-*.so and mapper-*.so.
bool is_plugin_file_name(std::string_view file_name);

struct PluginFile {
  std::string name;  // file name without ".so": the Singer name it should carry
  std::filesystem::path path;
};

// Every plugin file on the search path; the first folder that has a name wins.
std::vector<PluginFile> list_plugin_files();

// True when `spec` names a file rather than a plugin (contains '/' or ends with ".so").
bool is_plugin_path(std::string_view spec);

// The file for a plugin name or path, or nullopt.
std::optional<std::filesystem::path> find_plugin_file(std::string_view name_or_path);

// Finds and loads a plugin. Throws PluginLoadError; when nothing is found, the message lists
// the folders searched and how to add one.
std::shared_ptr<PluginLibrary> load_plugin(std::string_view name_or_path);

}  // namespace chorus::host
