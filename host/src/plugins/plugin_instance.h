// One instance of a loaded plugin, with the host services (chorus_host_v1) it was created with.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "chorus/abi.h"
#include "log.h"
#include "plugins/plugin_library.h"

namespace chorus::host {

// A plugin call failed. what() is the whole sentence for the user: it names the plugin, the
// call, and the plugin's own message (or says the plugin failed without one).
class PluginError : public std::runtime_error {
 public:
  PluginError(std::string plugin, int status, const std::string &message)
      : std::runtime_error(message), plugin_(std::move(plugin)), status_(status) {}
  const std::string &plugin() const { return plugin_; }
  int status() const { return status_; }

 private:
  std::string plugin_;
  int status_;
};

// Where a plugin's log lines go.
using PluginLogFunction = std::function<void(LogLevel, std::string_view)>;

// The chorus_host_v1 one instance sees: records set_error, forwards log lines, reads the stop
// flag. Lives as long as the instance.
class HostServices {
 public:
  HostServices(std::string plugin_name, PluginLogFunction log);
  HostServices(const HostServices &) = delete;
  HostServices &operator=(const HostServices &) = delete;

  const chorus_host_v1 *abi() const { return &host_; }
  // The message of the last set_error since clear_error(), or nullopt.
  std::optional<std::string> error() const;
  void clear_error();
  const std::string &plugin_name() const { return plugin_name_; }

 private:
  static void on_set_error(const chorus_host_v1 *host, chorus_status code, const char *message);
  static void on_log(const chorus_host_v1 *host, chorus_log_level level, const char *message);
  static int32_t on_stop_requested(const chorus_host_v1 *host);

  chorus_host_v1 host_{};
  std::string plugin_name_;
  PluginLogFunction log_;
  mutable std::mutex mutex_;
  std::optional<std::string> error_;
};

// What a tap is started with; a target or mapper gets none of it.
struct TapInputs {
  std::optional<std::string> state_json;
  std::optional<std::string> catalog_json;
  bool full_refresh = false;
};

// The message for a failed call: the plugin's own message, or the plugin-bug sentence.
std::string describe_failure(std::string_view plugin, std::string_view call, int status,
                             const std::optional<std::string> &message);

class PluginInstance {
 public:
  // Calls create(). Throws PluginError ("plugin 'x' rejected its config: ...") on failure.
  PluginInstance(std::shared_ptr<PluginLibrary> library, const nlohmann::json &config,
                 PluginLogFunction log);
  ~PluginInstance();
  PluginInstance(const PluginInstance &) = delete;
  PluginInstance &operator=(const PluginInstance &) = delete;

  const std::string &name() const { return library_->name(); }
  const PluginLibrary &library() const { return *library_; }

  // Writes the catalog to out_fd. Throws PluginError.
  void discover(int out_fd);
  // Reads Singer lines from in_fd (-1: none, as for a tap) and writes them to out_fd until the
  // plugin returns. Throws PluginError.
  void run(int in_fd, int out_fd, const TapInputs &tap_inputs = {});

 private:
  template <class Call>
  void call(const char *what, Call &&body);

  std::shared_ptr<PluginLibrary> library_;  // outlives instance_: declared first, freed last
  std::unique_ptr<HostServices> services_;
  chorus_instance *instance_ = nullptr;
};

}  // namespace chorus::host
