// Pipeline YAML loading: any file is either a pipeline or refused with std::runtime_error naming
// the file; no input may crash the loader or make it build an unbounded tree.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>

#include "pipeline/pipeline_config.h"

namespace {

std::string temp_pipeline_path() {
  const char *folder = std::getenv("TMPDIR");
  return std::string(folder ? folder : "/tmp") + "/chorus-fuzz-pipeline-" +
         std::to_string(::getpid()) + ".yml";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  static const std::string path = temp_pipeline_path();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char *>(data), static_cast<std::streamsize>(size));
  }
  const chorus::host::EnvironmentLookup environment =
      [](const std::string &name) -> std::optional<std::string> {
    if (name == "SET") return std::string("value");
    return std::nullopt;
  };
  try {
    (void)chorus::host::load_pipeline_file(path, environment);
  } catch (const std::runtime_error &) {
  }
  return 0;
}
