// The subcommands of `chorus`. Each add_* registers one subcommand on `app`; when the command
// line selects it, its callback stores the work to do in `command`, which main() runs after
// logging is set up. The work returns the process exit code. Each add_* is defined in the
// commands/ file of its subcommand (add_run in run.cpp, and so on).
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace chorus::host::commands {

using Command = std::function<int()>;

void add_run(CLI::App &app, Command &command);
void add_exec(CLI::App &app, Command &command);
void add_plugins(CLI::App &app, Command &command);
void add_about(CLI::App &app, Command &command);
void add_discover(CLI::App &app, Command &command);
void add_state(CLI::App &app, Command &command);
void add_test(CLI::App &app, Command &command);
void add_meltano(CLI::App &app, Command &command);
void add_install_links(CLI::App &app, Command &command);

// Runs `plugin` as a Singer executable with the Singer arguments `singer_args`; `invoked_as` is
// how the user called it, for usage messages ("tap-csv" through a link, "chorus exec tap-csv
// --" otherwise). Returns the exit code.
int exec_plugin(const std::string &plugin, const std::vector<std::string> &singer_args,
                const std::string &invoked_as);

void add_staging(CLI::App &app, Command &command);
void add_select(CLI::App &app, Command &command);
// `chorus new`: defined with the project templates, in scaffold/new_command.cpp.
void add_new(CLI::App &app, Command &command);

}  // namespace chorus::host::commands
