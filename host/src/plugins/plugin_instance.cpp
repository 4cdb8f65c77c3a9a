#include "plugins/plugin_instance.h"

#include <exception>
#include <nlohmann/json.hpp>

#include "process/stop_signal.h"

namespace chorus::host {

HostServices::HostServices(std::string plugin_name, PluginLogFunction log)
    : plugin_name_(std::move(plugin_name)), log_(std::move(log)) {
  host_.struct_size = sizeof(chorus_host_v1);
  host_.abi_major = CHORUS_ABI_MAJOR;
  host_.abi_minor = CHORUS_ABI_MINOR;
  host_.set_error = &HostServices::on_set_error;
  host_.log = &HostServices::on_log;
  host_.stop_requested = &HostServices::on_stop_requested;
  host_.host_data = this;
}

std::optional<std::string> HostServices::error() const {
  std::lock_guard lock(mutex_);
  return error_;
}

void HostServices::clear_error() {
  std::lock_guard lock(mutex_);
  error_.reset();
}

void HostServices::on_set_error(const chorus_host_v1 *host, chorus_status /*code*/,
                                const char *message) {
  auto *self = static_cast<HostServices *>(host->host_data);
  std::lock_guard lock(self->mutex_);
  self->error_ = (message != nullptr && *message != '\0') ? std::string(message) : std::string();
}

void HostServices::on_log(const chorus_host_v1 *host, chorus_log_level level, const char *message) {
  auto *self = static_cast<HostServices *>(host->host_data);
  if (message == nullptr || !self->log_) return;
  self->log_(log_level_from_abi(level), message);
}

int32_t HostServices::on_stop_requested(const chorus_host_v1 * /*host*/) {
  return stop_requested() ? 1 : 0;
}

std::string describe_failure(std::string_view plugin, std::string_view call, int status,
                             const std::optional<std::string> &message) {
  std::string text = "plugin '" + std::string(plugin) + "' ";
  if (call == "create") {
    text += status == CHORUS_ERR_CONFIG ? "rejected its config: " : "failed to start: ";
  } else {
    text += "failed in " + std::string(call) + ": ";
  }
  if (message && !message->empty()) {
    text += *message;
  } else {
    text += "plugin bug: failed without a message (status " + std::to_string(status) +
            "); report it to the plugin's authors";
  }
  return text;
}

template <class Call>
void PluginInstance::call(const char *what, Call &&body) {
  services_->clear_error();
  chorus_status status = CHORUS_OK;
  std::optional<std::string> message;
  try {
    status = body();
    if (status != CHORUS_OK) message = services_->error();
  } catch (const std::exception &e) {
    // Exceptions must not cross the C ABI; one that does is a plugin bug, reported as such.
    status = CHORUS_ERR_FATAL;
    message = std::string("plugin bug: an exception crossed the plugin ABI: ") + e.what();
  } catch (...) {
    status = CHORUS_ERR_FATAL;
    message = "plugin bug: an unknown exception crossed the plugin ABI";
  }
  if (status != CHORUS_OK) {
    throw PluginError(name(), status, describe_failure(name(), what, status, message));
  }
}

PluginInstance::PluginInstance(std::shared_ptr<PluginLibrary> library, const nlohmann::json &config,
                               PluginLogFunction log)
    : library_(std::move(library)),
      services_(std::make_unique<HostServices>(library_->name(), std::move(log))) {
  const std::string config_text = config.is_null() ? "{}" : config.dump();
  call("create", [&] {
    return library_->descriptor().create(services_->abi(), config_text.c_str(), &instance_);
  });
  if (instance_ == nullptr) {
    throw PluginError(name(), CHORUS_ERR_FATAL,
                      "plugin '" + name() + "' plugin bug: create succeeded without an instance");
  }
}

PluginInstance::~PluginInstance() {
  if (instance_ != nullptr) {
    try {
      library_->descriptor().destroy(instance_);
    } catch (...) {
      log_error("plugin '" + name() + "' plugin bug: destroy threw an exception");
    }
  }
}

void PluginInstance::discover(int out_fd) {
  if (library_->descriptor().discover == nullptr) {
    throw PluginError(name(), CHORUS_ERR_CONFIG,
                      "plugin '" + name() + "' is a " + library_->kind() +
                          " and cannot discover; only taps have a catalog");
  }
  call("discover", [&] { return library_->descriptor().discover(instance_, out_fd); });
}

void PluginInstance::run(int in_fd, int out_fd, const TapInputs &tap_inputs) {
  chorus_run_args_v1 args{};
  args.struct_size = sizeof args;
  args.in_fd = in_fd;
  args.out_fd = out_fd;
  args.state_json = tap_inputs.state_json ? tap_inputs.state_json->c_str() : nullptr;
  args.catalog_json = tap_inputs.catalog_json ? tap_inputs.catalog_json->c_str() : nullptr;
  args.full_refresh = tap_inputs.full_refresh ? 1 : 0;
  call("run", [&] { return library_->descriptor().run(instance_, &args); });
}

}  // namespace chorus::host
