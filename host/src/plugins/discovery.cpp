#include "plugins/discovery.h"

#include <sys/mman.h>
#include <unistd.h>

#include <stdexcept>
#include <system_error>

#include "members/external_member.h"
#include "members/isolated_member.h"
#include "members/member_log.h"
#include "plugins/plugin_instance.h"
#include "plugins/plugin_registry.h"
#include "process/child_process.h"
#include "process/fd_io.h"

namespace chorus::host {

std::string discover_text(const std::shared_ptr<PluginLibrary> &library,
                          const nlohmann::json &config, bool isolate, MetricsCollector *metrics) {
  if (isolate) return run_isolated_capture(library, config, metrics);
  MemberLog log(library->name(), metrics);
  PluginInstance instance(library, config, log.function());
  // A memory file instead of a pipe: no reader thread is needed however large the catalog.
  int fd = ::memfd_create("chorus-catalog", MFD_CLOEXEC);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "memfd_create");
  try {
    instance.discover(fd);
    ::lseek(fd, 0, SEEK_SET);
    std::string text = read_all(fd);
    ::close(fd);
    return text;
  } catch (...) {
    ::close(fd);
    throw;
  }
}

nlohmann::json discover_catalog(const MemberSpec &tap, bool isolate, MetricsCollector *metrics) {
  std::string text;
  const std::string name = tap.display_name();
  if (tap.is_executable()) {
    auto program = find_executable(tap.executable);
    if (!program) throw std::runtime_error("executable '" + tap.executable + "' not found on PATH");
    text = discover_with_executable(name, *program, tap.config, tap.args, metrics);
  } else {
    text = discover_text(load_plugin(tap.plugin), tap.config, isolate, metrics);
  }
  auto catalog = nlohmann::json::parse(text, nullptr, false);
  if (catalog.is_discarded() || !catalog.is_object()) {
    // `chorus discover` runs chorus plugins only; an executable is asked directly.
    const std::string see_it = tap.is_executable()
                                   ? "`" + tap.executable + " --config CONFIG --discover`"
                                   : "`chorus discover " + name + "`";
    throw std::runtime_error("'" + name + "' wrote a catalog that is not a JSON object; run " +
                             see_it + " to see it");
  }
  return catalog;
}

}  // namespace chorus::host
