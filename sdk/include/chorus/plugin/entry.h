// Declares the ABI entry point of a plugin class:
//
//   class MyTap : public chorus::Tap {
//    public:
//     static chorus::PluginInfo info();
//     MyTap(chorus::PluginContext context, nlohmann::json config);
//     ...
//   };
//   CHORUS_PLUGIN(MyTap)
//
// The class's kind (tap, target, mapper) follows from its base class. Exactly one CHORUS_PLUGIN
// per shared library.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <type_traits>

#include "chorus/abi.h"
#include "chorus/maps/plugin_settings.h"
#include "chorus/plugin/mapper.h"
#include "chorus/plugin/settings.h"
#include "chorus/plugin/tap.h"
#include "chorus/plugin/target.h"

namespace chorus::detail {

// Type-erased instance behind the opaque chorus_instance pointer.
struct Instance {
  virtual ~Instance() = default;
  virtual void discover(int out_fd) = 0;
  virtual void run(const chorus_run_args_v1 &args) = 0;
};

// Runs `body` and turns any exception into host->set_error() plus a status. Defined in the SDK.
chorus_status guarded(const chorus_host_v1 *host, const char *what, void (*body)(void *),
                      void *closure);

template <class F>
chorus_status guard(const chorus_host_v1 *host, const char *what, F &&body) {
  return guarded(
      host, what, [](void *closure) { (*static_cast<F *>(closure))(); }, &body);
}

// `plugin` (the Singer name) is for the errors of stream maps, which these run when the config
// asks for them.
void run_tap(Tap &tap, const chorus_run_args_v1 &args, const std::string &plugin);
void discover_tap(Tap &tap, int out_fd);
void run_target(Target &target, const chorus_run_args_v1 &args, const std::string &plugin);
void run_mapper(Mapper &mapper, const chorus_run_args_v1 &args);
nlohmann::json parse_config(const char *config_json);

template <class P>
struct InstanceOf final : Instance {
  PluginContext context;
  P plugin;
  InstanceOf(const chorus_host_v1 *host, nlohmann::json config)
      : context(host), plugin(context, std::move(config)) {}
  void discover(int out_fd) override {
    if constexpr (std::is_base_of_v<Tap, P>) {
      discover_tap(plugin, out_fd);
    } else {
      (void)out_fd;
    }
  }
  void run(const chorus_run_args_v1 &args) override {
    if constexpr (std::is_base_of_v<Tap, P>) {
      run_tap(plugin, args, P::info().name);
    } else if constexpr (std::is_base_of_v<Target, P>) {
      run_target(plugin, args, P::info().name);
    } else {
      run_mapper(plugin, args);
    }
  }
};

template <class P>
constexpr chorus_kind kind_of() {
  static_assert(
      std::is_base_of_v<Tap, P> || std::is_base_of_v<Target, P> || std::is_base_of_v<Mapper, P>,
      "CHORUS_PLUGIN needs a class derived from chorus::Tap, Target or Mapper");
  if constexpr (std::is_base_of_v<Tap, P>) return CHORUS_KIND_TAP;
  if constexpr (std::is_base_of_v<Target, P>) return CHORUS_KIND_TARGET;
  return CHORUS_KIND_MAPPER;
}

const char *kind_name(chorus_kind kind);

template <class P>
struct Entry {
  static const PluginInfo &info() {
    static const PluginInfo value = [] {
      PluginInfo declared = P::info();
      // Every target accepts the common target settings; declaring them is not the author's job.
      if constexpr (std::is_base_of_v<Target, P>) {
        declared.settings = with_common_target_settings(std::move(declared.settings));
      }
      // Every tap and target applies stream maps (the Meltano SDK's settings) in the SDK.
      if constexpr (std::is_base_of_v<Tap, P> || std::is_base_of_v<Target, P>) {
        declared = maps::with_stream_maps(std::move(declared));
      } else if constexpr (std::is_base_of_v<Mapper, P>) {
        declared.settings = with_common_mapper_settings(std::move(declared.settings));
      }
      return declared;
    }();
    return value;
  }
  static const std::string &about() {
    static const std::string value = about_document(info(), kind_name(kind_of<P>())).dump();
    return value;
  }
  static chorus_status create(const chorus_host_v1 *host, const char *config_json,
                              chorus_instance **out) {
    *out = nullptr;
    return guard(host, "create", [&] {
      nlohmann::json config = apply_settings(info().settings, parse_config(config_json));
      auto *instance = new InstanceOf<P>(host, std::move(config));
      *out = reinterpret_cast<chorus_instance *>(static_cast<Instance *>(instance));
    });
  }
  static chorus_status discover(chorus_instance *instance, int32_t out_fd) {
    auto *self = static_cast<InstanceOf<P> *>(reinterpret_cast<Instance *>(instance));
    return guard(self->context.host(), "discover", [&] { self->discover(out_fd); });
  }
  static chorus_status run(chorus_instance *instance, const chorus_run_args_v1 *args) {
    auto *self = static_cast<InstanceOf<P> *>(reinterpret_cast<Instance *>(instance));
    return guard(self->context.host(), "run", [&] { self->run(*args); });
  }
  static void destroy(chorus_instance *instance) { delete reinterpret_cast<Instance *>(instance); }
  static const chorus_plugin_v1 *descriptor(uint16_t host_major, uint16_t host_minor) {
    // The descriptor is returned whatever the host's version, so that a host that must refuse
    // the plugin can name both versions; the host makes the compatibility decision.
    (void)host_major;
    (void)host_minor;
    static const chorus_plugin_v1 value = [] {
      chorus_plugin_v1 d{};
      d.struct_size = sizeof(chorus_plugin_v1);
      d.abi_major = CHORUS_ABI_MAJOR;
      d.abi_minor = CHORUS_ABI_MINOR;
      d.name = info().name.c_str();
      d.kind = kind_of<P>();
      d.version = info().version.c_str();
      d.about_json = about().c_str();
      d.create = &create;
      d.discover = std::is_base_of_v<Tap, P> ? &discover : nullptr;
      d.run = &run;
      d.destroy = &destroy;
      return d;
    }();
    return &value;
  }
};

}  // namespace chorus::detail

#define CHORUS_PLUGIN(PluginClass)                                                            \
  extern "C" CHORUS_EXPORT const chorus_plugin_v1 *chorus_plugin_entry(uint16_t host_major,   \
                                                                       uint16_t host_minor) { \
    return ::chorus::detail::Entry<PluginClass>::descriptor(host_major, host_minor);          \
  }
