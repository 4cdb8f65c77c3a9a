// Runs StreamMapsMapper over Singer lines held in memory and hands back the output messages,
// for the engine's unit tests.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "chorus/maps/stream_maps_mapper.h"

namespace chorus::test {

struct MapRun {
  std::vector<nlohmann::json> messages;
  std::string output;
  // The messages of one type ("SCHEMA", "RECORD", ...) for `stream`.
  std::vector<nlohmann::json> of(const std::string &type, const std::string &stream) const {
    std::vector<nlohmann::json> found;
    for (const auto &message : messages) {
      if (message["type"] == type && message.value("stream", "") == stream)
        found.push_back(message);
    }
    return found;
  }
  std::vector<nlohmann::json> records(const std::string &stream) const {
    std::vector<nlohmann::json> found;
    for (const auto &message : of("RECORD", stream)) found.push_back(message["record"]);
    return found;
  }
  nlohmann::json schema(const std::string &stream) const {
    const auto found = of("SCHEMA", stream);
    return found.empty() ? nlohmann::json() : found.back();
  }
};

// Throws what the mapper throws (ConfigError, FatalError).
inline MapRun run_maps(const nlohmann::json &config, const std::vector<std::string> &lines) {
  std::string input;
  for (const std::string &line : lines) input += line + "\n";
  const int in = memfd_create("maps-in", 0);
  const int out = memfd_create("maps-out", 0);
  if (write(in, input.data(), input.size()) != static_cast<ssize_t>(input.size())) {
    throw std::runtime_error("memfd write");
  }
  lseek(in, 0, SEEK_SET);
  struct Closer {
    int a, b;
    ~Closer() {
      close(a);
      close(b);
    }
  } closer{in, out};
  maps::StreamMapsMapper mapper(PluginContext(), config, "mapper-test");
  mapper.run(in, out);
  MapRun run;
  const off_t size = lseek(out, 0, SEEK_END);
  run.output.resize(static_cast<std::size_t>(size));
  if (pread(out, run.output.data(), run.output.size(), 0) != size) throw std::runtime_error("read");
  std::istringstream stream(run.output);
  for (std::string line; std::getline(stream, line);) {
    if (!line.empty()) run.messages.push_back(nlohmann::json::parse(line));
  }
  return run;
}

}  // namespace chorus::test
