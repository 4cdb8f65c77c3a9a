// The process-wide stop flag behind chorus_host_v1.stop_requested, set by SIGINT/SIGTERM or by
// the host itself when one member of a pipeline failed.
#pragma once

namespace chorus::host {

// Installs SIGINT and SIGTERM handlers that set the flag (a second signal ends the process at
// once), and ignores SIGPIPE: a closed pipe is then reported as EPIPE to the writer, which is how
// a member learns its reader is gone.
void install_stop_handlers();

void request_stop();
bool stop_requested();

// The signal that asked to stop (SIGINT, SIGTERM), or 0 when none was received.
int stop_signal();

}  // namespace chorus::host
