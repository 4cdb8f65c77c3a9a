#include "plugins/plugin_library.h"

#include <boost/dll/shared_library.hpp>
#include <cstddef>

#include "chorus/plugin/entry.h"

namespace chorus::host {
namespace {

// The size of the version 1.0 descriptor: everything up to and including `destroy`. A plugin of
// any 1.x minor has at least these fields.
constexpr std::size_t kMinimumDescriptorSize =
    offsetof(chorus_plugin_v1, destroy) + sizeof(chorus_plugin_v1::destroy);

std::string version_text(unsigned major, unsigned minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

}  // namespace

std::optional<std::string> abi_refusal(std::uint32_t struct_size, std::uint16_t plugin_major,
                                       std::uint16_t plugin_minor, std::uint16_t host_major,
                                       std::uint16_t host_minor) {
  const std::string versions = "plugin ABI " + version_text(plugin_major, plugin_minor) +
                               ", host ABI " + version_text(host_major, host_minor);
  if (plugin_major != host_major) {
    return "incompatible ABI major version (" + versions +
           "); rebuild the plugin against this chorus SDK";
  }
  if (plugin_minor > host_minor) {
    return "plugin needs a newer host (" + versions + "); upgrade chorus";
  }
  if (struct_size < kMinimumDescriptorSize) {
    return "descriptor struct_size " + std::to_string(struct_size) + " is smaller than the " +
           std::to_string(kMinimumDescriptorSize) + " bytes every ABI " +
           std::to_string(host_major) + ".x descriptor has (" + versions + ")";
  }
  return std::nullopt;
}

std::string kind_name(std::int32_t kind) {
  // A descriptor's kind comes from the plugin: only a listed value may become a chorus_kind.
  if (kind < CHORUS_KIND_TAP || kind > CHORUS_KIND_MAPPER) return "unknown";
  return chorus::detail::kind_name(static_cast<chorus_kind>(kind));
}

struct PluginLibrary::Handle {
  boost::dll::shared_library library;
};

PluginLibrary::~PluginLibrary() = default;

std::shared_ptr<PluginLibrary> PluginLibrary::load(const std::filesystem::path &path) {
  const std::string where = "cannot load plugin " + path.string() + ": ";
  std::shared_ptr<PluginLibrary> plugin(new PluginLibrary());
  plugin->path_ = path;
  plugin->handle_ = std::make_unique<Handle>();
  boost::dll::fs::error_code error;
  // rtld_local keeps each plugin's symbols to itself, so two plugins built against different
  // SDK versions cannot bind to each other's copies.
  plugin->handle_->library.load(
      boost::dll::fs::path(path.string()), error,
      boost::dll::load_mode::rtld_local | boost::dll::load_mode::rtld_now);
  if (error) throw PluginLoadError(where + error.message());
  if (!plugin->handle_->library.has(CHORUS_ENTRY_SYMBOL)) {
    throw PluginLoadError(where +
                          "it does not export the entry symbol " CHORUS_ENTRY_SYMBOL " (host ABI " +
                          version_text(CHORUS_ABI_MAJOR, CHORUS_ABI_MINOR) +
                          "); is it a chorus plugin built with CHORUS_PLUGIN()?");
  }
  auto entry = plugin->handle_->library.get<const chorus_plugin_v1 *(std::uint16_t, std::uint16_t)>(
      CHORUS_ENTRY_SYMBOL);
  const chorus_plugin_v1 *descriptor = entry(CHORUS_ABI_MAJOR, CHORUS_ABI_MINOR);
  if (descriptor == nullptr) {
    throw PluginLoadError(where +
                          CHORUS_ENTRY_SYMBOL " returned no descriptor (NULL) to host ABI " +
                          version_text(CHORUS_ABI_MAJOR, CHORUS_ABI_MINOR));
  }
  if (auto refusal = abi_refusal(descriptor->struct_size, descriptor->abi_major,
                                 descriptor->abi_minor, CHORUS_ABI_MAJOR, CHORUS_ABI_MINOR)) {
    throw PluginLoadError(where + *refusal);
  }
  if (descriptor->name == nullptr || descriptor->create == nullptr || descriptor->run == nullptr ||
      descriptor->destroy == nullptr) {
    throw PluginLoadError(where +
                          "the descriptor lacks a required field (name, create, run, destroy)");
  }
  plugin->descriptor_ = descriptor;
  plugin->name_ = descriptor->name;

  nlohmann::json about = nlohmann::json::object();
  if (descriptor->about_json != nullptr) {
    try {
      about = nlohmann::json::parse(descriptor->about_json);
    } catch (const nlohmann::json::exception &e) {
      plugin->about_error_ = std::string("about is not valid JSON: ") + e.what();
    }
  } else {
    plugin->about_error_ = "the descriptor has no about document";
  }
  if (!about.is_object()) {
    plugin->about_error_ = "about is not a JSON object";
    about = nlohmann::json::object();
  }
  if (!about.contains("name")) about["name"] = plugin->name_;
  if (!about.contains("kind")) about["kind"] = plugin->kind();
  if (!about.contains("version")) about["version"] = plugin->version();
  plugin->about_ = std::move(about);
  return plugin;
}

std::string PluginLibrary::version() const {
  return descriptor_->version != nullptr ? descriptor_->version : "";
}

nlohmann::json PluginLibrary::settings_schema() const {
  auto settings = about_.find("settings");
  if (settings != about_.end() && settings->is_object()) return *settings;
  return nlohmann::json::object();
}

}  // namespace chorus::host
