#include "plugins/singer_command_line.h"

#include <optional>

namespace chorus::host {
namespace {

struct Flag {
  const char *long_name;
  const char *short_name;  // "" when none
  bool takes_value;
  bool tap;     // accepted by taps
  bool target;  // accepted by targets and mappers
  const char *value_name;
  const char *help;
};

// One table drives parsing and --help, so the two cannot disagree.
const Flag kFlags[] = {
    {"--config", "-c", true, true, true, "FILE|ENV",
     "Settings as a JSON file, or ENV for the environment variables listed under Settings; "
     "repeat to merge several in order"},
    {"--state", "-s", true, true, false, "FILE",
     "The state to resume from: a state value or a whole STATE message"},
    {"--catalog", "", true, true, false, "FILE", "The Singer catalog with the selection"},
    {"--properties", "-p", true, true, false, "FILE", "Deprecated name of --catalog"},
    {"--discover", "-d", false, true, false, "", "Print the catalog and exit"},
    {"--input", "-i", true, false, true, "FILE", "Read the Singer messages from FILE, not stdin"},
    {"--about", "", false, true, true, "", "Print the capabilities and settings and exit"},
    {"--format", "", true, true, true, "json|markdown", "The form of --about (json)"},
    {"--version", "", false, true, true, "", "Print the version and exit"},
    {"--help", "-h", false, true, true, "", "Print this help and exit"},
};

bool accepts(const Flag &flag, std::string_view kind) {
  return kind == "tap" ? flag.tap : flag.target;
}

const Flag *find_flag(std::string_view name) {
  for (const auto &flag : kFlags) {
    if (name == flag.long_name || (*flag.short_name != '\0' && name == flag.short_name)) {
      return &flag;
    }
  }
  return nullptr;
}

void set_once(std::string &field, const std::string &value, const char *flag) {
  if (!field.empty()) throw UsageError(std::string(flag) + " is given twice");
  field = value;
}

}  // namespace

SingerCommandLine parse_singer_command_line(const std::vector<std::string> &args,
                                            std::string_view kind) {
  SingerCommandLine parsed;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string &arg = args[i];
    if (arg == "--") continue;
    std::string name = arg;
    std::optional<std::string> inline_value;
    if (const auto equals = arg.find('='); arg.rfind("--", 0) == 0 && equals != std::string::npos) {
      name = arg.substr(0, equals);
      inline_value = arg.substr(equals + 1);
    }
    const Flag *flag = find_flag(name);
    if (flag == nullptr) {
      throw UsageError("unknown argument '" + arg + "'; --help lists the arguments a " +
                       std::string(kind) + " accepts");
    }
    if (!accepts(*flag, kind)) {
      throw UsageError(std::string(flag->long_name) + " is for " +
                       (flag->tap ? "taps" : "targets and mappers") + "; this plugin is a " +
                       std::string(kind));
    }
    std::string value;
    if (flag->takes_value) {
      if (inline_value) {
        value = *inline_value;
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        throw UsageError(std::string(flag->long_name) + " needs a value (" + flag->value_name +
                         ")");
      }
      if (value.empty()) throw UsageError(std::string(flag->long_name) + " needs a value");
    } else if (inline_value) {
      throw UsageError(std::string(flag->long_name) + " takes no value");
    }

    const std::string long_name = flag->long_name;
    if (long_name == "--config") {
      parsed.config_sources.push_back(value);
    } else if (long_name == "--state") {
      set_once(parsed.state_file, value, "--state");
    } else if (long_name == "--catalog" || long_name == "--properties") {
      set_once(parsed.catalog_file, value, "--catalog (or --properties)");
    } else if (long_name == "--input") {
      set_once(parsed.input_file, value, "--input");
    } else if (long_name == "--discover") {
      parsed.discover = true;
    } else if (long_name == "--about") {
      parsed.about = true;
    } else if (long_name == "--format") {
      if (value != "json" && value != "markdown") {
        throw UsageError("--format " + value + ": the formats are json and markdown");
      }
      parsed.about_format = value;
    } else if (long_name == "--version") {
      parsed.version = true;
    } else if (long_name == "--help") {
      parsed.help = true;
    }
  }
  return parsed;
}

std::string singer_usage(std::string_view invoked_as, std::string_view kind) {
  std::string text = "Usage: " + std::string(invoked_as) + " [OPTIONS]\n\nOptions:\n";
  for (const auto &flag : kFlags) {
    if (!accepts(flag, kind)) continue;
    std::string left = "  ";
    if (*flag.short_name != '\0') left += std::string(flag.short_name) + ", ";
    left += flag.long_name;
    if (flag.takes_value) left += " " + std::string(flag.value_name);
    if (left.size() < 30) left.resize(30, ' ');
    text += left + " " + flag.help + "\n";
  }
  return text;
}

}  // namespace chorus::host
