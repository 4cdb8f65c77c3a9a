// Stream maps inside a tap or a target: the maps run on their own thread, reading one end of a
// pipe, so that neither the tap's sync nor the target's loop changes. Without stream map
// settings the plugin runs on its fds directly and pays nothing.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <system_error>
#include <thread>

#include "chorus/maps/plugin_settings.h"
#include "chorus/maps/stream_maps_mapper.h"
#include "chorus/plugin/setting.h"

namespace chorus::maps {
namespace {

struct Pipe {
  static constexpr int kPipeBytes = 1 << 20;
  int read = -1, write = -1;
  Pipe() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
      throw std::system_error(errno, std::generic_category(), "stream maps: pipe");
    }
    read = fds[0];
    write = fds[1];
    // Writers flush 1 MiB blocks: the default 64 KiB would cut each block into 16 wake-ups of
    // the reader. A refusal (EPERM past pipe-max-size) leaves a pipe that still works.
    (void)::fcntl(write, F_SETPIPE_SZ, kPipeBytes);
  }
  static void close_end(int &fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
  ~Pipe() {
    close_end(read);
    close_end(write);
  }
};

// Runs `mapper` from `in_fd` to `out_fd` on a thread while `body` runs here. Of two failures
// the first one wins: the other is its consequence (a broken pipe, a cut-off input).
void run_beside(StreamMapsMapper &mapper, int map_in, int map_out, int &close_after_map,
                int &close_after_body, const std::function<void()> &body) {
  std::atomic<bool> mapping_failed{false};
  std::exception_ptr mapping_error;
  std::thread thread([&] {
    try {
      mapper.run(map_in, map_out);
    } catch (...) {
      mapping_error = std::current_exception();
      mapping_failed = true;
    }
    Pipe::close_end(close_after_map);
  });
  std::exception_ptr body_error;
  bool body_failed_first = false;
  try {
    body();
  } catch (...) {
    body_error = std::current_exception();
    body_failed_first = !mapping_failed.load();
  }
  Pipe::close_end(close_after_body);
  thread.join();
  if (body_error && (body_failed_first || !mapping_error)) std::rethrow_exception(body_error);
  if (mapping_error) std::rethrow_exception(mapping_error);
}

// Where the maps stand: between a tap and its output, or between a target's input and the target.
enum class MapsSide { TapOutput, TargetInput };

// Runs `body` on the plugin's `fd`, or, when stream maps are configured, on one end of a pipe
// whose other end the maps read (a tap's output) or write (a target's input).
void run_mapped(const PluginContext &context, const nlohmann::json &config,
                const std::string &plugin, int fd, MapsSide side,
                const std::function<void(int)> &body) {
  if (!stream_maps_requested(config)) {
    body(fd);
    return;
  }
  StreamMapsMapper mapper(context, config, plugin);
  Pipe pipe;
  if (side == MapsSide::TapOutput) {
    run_beside(mapper, pipe.read, fd, pipe.read, pipe.write, [&] { body(pipe.write); });
  } else {
    run_beside(mapper, fd, pipe.write, pipe.write, pipe.read, [&] { body(pipe.read); });
  }
}

}  // namespace

PluginInfo with_stream_maps(PluginInfo info) {
  nlohmann::json &properties = info.settings["properties"];
  if (!properties.is_object()) properties = nlohmann::json::object();
  const nlohmann::json declared = stream_map_settings().properties();
  for (const auto &[name, schema] : declared.items()) {
    if (!properties.contains(name)) properties[name] = schema;
  }
  if (!info.settings.contains("type")) info.settings["type"] = "object";
  for (const char *capability : {"stream-maps", "schema-flattening"}) {
    if (std::find(info.capabilities.begin(), info.capabilities.end(), capability) ==
        info.capabilities.end()) {
      info.capabilities.emplace_back(capability);
    }
  }
  return info;
}

void run_tap_mapped(const PluginContext &context, const nlohmann::json &config,
                    const std::string &plugin, int out_fd, const std::function<void(int)> &body) {
  run_mapped(context, config, plugin, out_fd, MapsSide::TapOutput, body);
}

void run_target_mapped(const PluginContext &context, const nlohmann::json &config,
                       const std::string &plugin, int in_fd, const std::function<void(int)> &body) {
  run_mapped(context, config, plugin, in_fd, MapsSide::TargetInput, body);
}

}  // namespace chorus::maps
