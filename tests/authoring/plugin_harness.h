// Loads a plugin shared library with dlopen and drives it through the C ABI, as the host would,
// capturing its output, its log and its error message.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "chorus/abi.h"

namespace chorus_test {

struct PluginRun {
  chorus_status status = CHORUS_OK;
  std::string error;                     // what the plugin passed to set_error
  std::vector<nlohmann::json> messages;  // the Singer messages it wrote, parsed
  std::vector<std::string> lines;        // the same, as written (numbers digit for digit)
  std::vector<std::string> log;          // its log lines

  std::vector<nlohmann::json> of_type(const std::string &type) const;
  std::vector<nlohmann::json> records() const { return of_type("RECORD"); }
  // The value of the last STATE message; null when none.
  nlohmann::json last_state() const;
};

// What a plugin tells the host through a capturing_host(): its error message and log lines.
struct HostCapture {
  std::string error;
  std::vector<std::string> log;
};

// A host that keeps the plugin's error and log in `capture` and never asks it to stop.
chorus_host_v1 capturing_host(HostCapture &capture);

class PluginHarness {
 public:
  // Loads <CHORUS_PLUGIN_PATH or build/plugins>/<name>.so.
  explicit PluginHarness(const std::string &name);
  ~PluginHarness();

  PluginRun run(const nlohmann::json &config, const nlohmann::json &state = nullptr,
                const nlohmann::json &catalog = nullptr) const;
  // Runs discovery; the catalog is in messages[0] on success.
  PluginRun discover(const nlohmann::json &config) const;

 private:
  // Creates an instance with `config`, calls `entry_point` with a temporary file for its output,
  // destroys the instance; sets result's status, error and log. The output, or nullopt when
  // create failed.
  std::optional<std::string> call_instance(
      const nlohmann::json &config, PluginRun &result,
      const std::function<chorus_status(chorus_instance *, int)> &entry_point) const;

  void *library_ = nullptr;
  const chorus_plugin_v1 *plugin_ = nullptr;
};

}  // namespace chorus_test
