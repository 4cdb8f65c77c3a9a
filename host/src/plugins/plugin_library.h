// A plugin shared library, loaded and checked against the host's ABI version.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>

#include "chorus/abi.h"

namespace chorus::host {

// A library that cannot be used as a plugin: not loadable, no entry symbol, incompatible ABI.
class PluginLoadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Why a descriptor is refused, or nullopt when the host can use it. Pure, so that version
// combinations the built fixtures cannot express are tested directly.
std::optional<std::string> abi_refusal(std::uint32_t struct_size, std::uint16_t plugin_major,
                                       std::uint16_t plugin_minor, std::uint16_t host_major,
                                       std::uint16_t host_minor);

// "tap", "target", "mapper", or "unknown".
std::string kind_name(std::int32_t kind);

// Owns the loaded library. Instances created from it hold a shared_ptr to it, so the code they
// run stays mapped until the last one is destroyed.
class PluginLibrary {
 public:
  // Loads `path`, looks up chorus_plugin_entry and checks the descriptor. Throws
  // PluginLoadError naming the file, both ABI versions when they matter, and the reason.
  static std::shared_ptr<PluginLibrary> load(const std::filesystem::path &path);

  ~PluginLibrary();
  PluginLibrary(const PluginLibrary &) = delete;
  PluginLibrary &operator=(const PluginLibrary &) = delete;

  const chorus_plugin_v1 &descriptor() const { return *descriptor_; }
  const std::string &name() const { return name_; }
  std::string kind() const { return kind_name(descriptor_->kind); }
  std::string version() const;
  const std::filesystem::path &path() const { return path_; }
  // The parsed about document; an object with at least name/kind/version even when the plugin's
  // own JSON is missing or broken (about_error() then says why).
  const nlohmann::json &about() const { return about_; }
  const std::string &about_error() const { return about_error_; }
  // The "settings" JSON Schema from about, or an empty object.
  nlohmann::json settings_schema() const;

 private:
  PluginLibrary() = default;
  struct Handle;
  std::unique_ptr<Handle> handle_;
  const chorus_plugin_v1 *descriptor_ = nullptr;
  std::filesystem::path path_;
  std::string name_;
  nlohmann::json about_;
  std::string about_error_;
};

}  // namespace chorus::host
