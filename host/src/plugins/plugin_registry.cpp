#include "plugins/plugin_registry.h"

#include <algorithm>
#include <cstdlib>
#include <set>
#include <system_error>

namespace chorus::host {
namespace fs = std::filesystem;

fs::path executable_path() {
  std::error_code error;
  fs::path exe = fs::read_symlink("/proc/self/exe", error);
  if (error) return fs::current_path() / "chorus";
  return exe;
}

fs::path executable_dir() { return executable_path().parent_path(); }

std::vector<fs::path> plugin_search_path() {
  std::vector<fs::path> folders;
  if (const char *env = std::getenv("CHORUS_PLUGIN_PATH")) {
    std::string_view list(env);
    while (!list.empty()) {
      auto colon = list.find(':');
      std::string_view entry = list.substr(0, colon);
      if (!entry.empty()) folders.emplace_back(std::string(entry));
      if (colon == std::string_view::npos) break;
      list.remove_prefix(colon + 1);
    }
  }
  const fs::path exe = executable_dir();
  folders.push_back(exe / "plugins");
  folders.push_back((exe / ".." / "lib" / "chorus" / "plugins").lexically_normal());
  return folders;
}

bool is_plugin_file_name(std::string_view name) {
  auto ends_with_so = name.size() > 3 && name.substr(name.size() - 3) == ".so";
  if (!ends_with_so) return false;
  for (std::string_view prefix : {"tap-", "target-", "mapper-"}) {
    if (name.substr(0, prefix.size()) == prefix && name.size() > prefix.size() + 3) return true;
  }
  return false;
}

std::vector<PluginFile> list_plugin_files() {
  std::vector<PluginFile> found;
  std::set<std::string> seen;
  for (const auto &folder : plugin_search_path()) {
    std::error_code error;
    std::vector<fs::path> files;
    for (const auto &entry : fs::directory_iterator(folder, error)) {
      const std::string file_name = entry.path().filename().string();
      if (is_plugin_file_name(file_name)) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto &path : files) {
      std::string name = path.stem().string();
      if (seen.insert(name).second) found.push_back({name, path});
    }
  }
  return found;
}

bool is_plugin_path(std::string_view spec) {
  return spec.find('/') != std::string_view::npos ||
         (spec.size() > 3 && spec.substr(spec.size() - 3) == ".so");
}

std::optional<fs::path> find_plugin_file(std::string_view name_or_path) {
  if (is_plugin_path(name_or_path)) {
    fs::path path{std::string(name_or_path)};
    std::error_code error;
    if (fs::is_regular_file(path, error)) return fs::absolute(path);
    return std::nullopt;
  }
  const std::string file_name = std::string(name_or_path) + ".so";
  for (const auto &folder : plugin_search_path()) {
    std::error_code error;
    if (fs::is_regular_file(folder / file_name, error)) return folder / file_name;
  }
  return std::nullopt;
}

std::shared_ptr<PluginLibrary> load_plugin(std::string_view name_or_path) {
  auto path = find_plugin_file(name_or_path);
  if (!path) {
    std::string message = "plugin '" + std::string(name_or_path) + "' not found";
    if (is_plugin_path(name_or_path)) {
      message += ": no such file";
    } else {
      message += "; searched:";
      for (const auto &folder : plugin_search_path()) message += " " + folder.string();
      message +=
          ". Add its folder to CHORUS_PLUGIN_PATH or give the .so path; `chorus plugins` "
          "lists what is found";
    }
    throw PluginLoadError(message);
  }
  return PluginLibrary::load(*path);
}

}  // namespace chorus::host
