// The subcommands of `chorus`. Each add_* registers one subcommand on `app`; when the command
// line selects it, its callback stores the work to do in `command`, which main() runs after
// logging is set up. The work returns the process exit code.
#pragma once

#include <functional>

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
void add_staging(CLI::App &app, Command &command);
void add_select(CLI::App &app, Command &command);
// `chorus new`: defined with the project templates, in scaffold/new_command.cpp.
void add_new(CLI::App &app, Command &command);

}  // namespace chorus::host::commands
