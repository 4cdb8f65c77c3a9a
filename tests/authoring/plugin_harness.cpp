#include "plugin_harness.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "chorus/http/exact_json.h"

namespace chorus_test {
namespace {

void set_error(const chorus_host_v1 *host, chorus_status, const char *message) {
  static_cast<HostCapture *>(host->host_data)->error = message ? message : "";
}
void log_line(const chorus_host_v1 *host, chorus_log_level, const char *message) {
  static_cast<HostCapture *>(host->host_data)->log.emplace_back(message ? message : "");
}
int32_t never_stop(const chorus_host_v1 *) { return 0; }

}  // namespace

chorus_host_v1 capturing_host(HostCapture &capture) {
  chorus_host_v1 host{};
  host.struct_size = sizeof host;
  host.abi_major = CHORUS_ABI_MAJOR;
  host.abi_minor = CHORUS_ABI_MINOR;
  host.set_error = &set_error;
  host.log = &log_line;
  host.stop_requested = &never_stop;
  host.host_data = &capture;
  return host;
}

namespace {

std::string read_all(std::FILE *file) {
  std::fflush(file);
  std::rewind(file);
  std::string text;
  char buffer[65536];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0) text.append(buffer, n);
  return text;
}

}  // namespace

std::vector<nlohmann::json> PluginRun::of_type(const std::string &type) const {
  std::vector<nlohmann::json> out;
  for (const auto &message : messages) {
    if (message.is_object() && message.value("type", "") == type) out.push_back(message);
  }
  return out;
}

nlohmann::json PluginRun::last_state() const {
  auto states = of_type("STATE");
  return states.empty() ? nlohmann::json() : states.back()["value"];
}

PluginHarness::PluginHarness(const std::string &name) {
  const char *dir = std::getenv("CHORUS_PLUGIN_PATH");
  std::string path = std::string(dir ? dir : CHORUS_BINARY_DIR "/plugins") + "/" + name + ".so";
  library_ = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!library_) throw std::runtime_error("cannot load " + path + ": " + dlerror());
  auto entry = reinterpret_cast<chorus_plugin_entry_fn>(dlsym(library_, CHORUS_ENTRY_SYMBOL));
  if (!entry) throw std::runtime_error(path + " has no " CHORUS_ENTRY_SYMBOL);
  plugin_ = entry(CHORUS_ABI_MAJOR, CHORUS_ABI_MINOR);
  if (!plugin_) throw std::runtime_error(path + " returned no descriptor");
}

PluginHarness::~PluginHarness() {
  if (library_) dlclose(library_);
}

PluginRun PluginHarness::run(const nlohmann::json &config, const nlohmann::json &state,
                             const nlohmann::json &catalog) const {
  const std::string state_text = state.is_null() ? "" : state.dump();
  const std::string catalog_text = catalog.is_null() ? "" : catalog.dump();
  PluginRun result;
  auto output = call_instance(config, result, [&](chorus_instance *instance, int out_fd) {
    chorus_run_args_v1 args{};
    args.struct_size = sizeof args;
    args.in_fd = -1;
    args.out_fd = out_fd;
    args.state_json = state.is_null() ? nullptr : state_text.c_str();
    args.catalog_json = catalog.is_null() ? nullptr : catalog_text.c_str();
    return plugin_->run(instance, &args);
  });
  if (!output) return result;
  std::istringstream lines(*output);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    // Exact parsing: a number beyond a double (1e400) is valid JSON a plugin may write.
    result.messages.push_back(chorus::http::parse_exact(line));
    result.lines.push_back(line);
  }
  return result;
}

PluginRun PluginHarness::discover(const nlohmann::json &config) const {
  PluginRun result;
  auto output = call_instance(config, result, [&](chorus_instance *instance, int out_fd) {
    return plugin_->discover(instance, out_fd);
  });
  if (output && result.status == CHORUS_OK)
    result.messages.push_back(nlohmann::json::parse(*output));
  return result;
}

std::optional<std::string> PluginHarness::call_instance(
    const nlohmann::json &config, PluginRun &result,
    const std::function<chorus_status(chorus_instance *, int)> &entry_point) const {
  HostCapture capture;
  chorus_host_v1 host = capturing_host(capture);
  chorus_instance *instance = nullptr;
  std::optional<std::string> output;
  result.status = plugin_->create(&host, config.dump().c_str(), &instance);
  if (result.status == CHORUS_OK) {
    std::FILE *out = std::tmpfile();
    result.status = entry_point(instance, fileno(out));
    plugin_->destroy(instance);
    output = read_all(out);
    std::fclose(out);
  }
  result.error = capture.error;
  result.log = capture.log;
  return output;
}

}  // namespace chorus_test
