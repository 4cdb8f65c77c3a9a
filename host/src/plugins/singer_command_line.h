// The command line of a Singer tap, target or mapper, as singer-python and the Meltano SDK
// accept it. `chorus exec PLUGIN -- ...` and a link named for the plugin both read it.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace chorus::host {

// A command line the plugin cannot run with: unknown flag, missing value, a flag for another
// kind of plugin. Exit status 2, like the Meltano SDK's usage errors.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct SingerCommandLine {
  // --config FILE|ENV, in the order given: merged in that order, later keys winning.
  std::vector<std::string> config_sources;
  std::string state_file;    // taps
  std::string catalog_file;  // taps: --catalog, or its deprecated alias --properties
  std::string input_file;    // targets and mappers: read this instead of stdin
  bool discover = false;     // taps
  bool about = false;
  std::string about_format = "json";  // --format json|markdown
  bool version = false;
  bool help = false;
};

// Parses `args` for a plugin of `kind` ("tap", "target", "mapper"). Accepts `--flag value` and
// `--flag=value`, and the short forms -c, -s, -p, -d, -i. Throws UsageError naming the argument.
SingerCommandLine parse_singer_command_line(const std::vector<std::string> &args,
                                            std::string_view kind);

// The --help text: how to call the plugin as `invoked_as` and the flags its kind accepts.
std::string singer_usage(std::string_view invoked_as, std::string_view kind);

}  // namespace chorus::host
