#include "process/stop_signal.h"

#include <atomic>
#include <csignal>

namespace chorus::host {
namespace {

// Plain lock-free atomics: the only things a signal handler may touch.
std::atomic<int> g_stop{0};
std::atomic<int> g_signal{0};
static_assert(std::atomic<int>::is_always_lock_free);

extern "C" void on_stop_signal(int signal_number) {
  // A second signal means "now": the default action ends the process. The state file is only
  // ever replaced by rename, so even this cannot tear it.
  if (g_signal.exchange(signal_number) != 0) {
    std::signal(signal_number, SIG_DFL);
    std::raise(signal_number);
    return;
  }
  g_stop.store(1);
}

}  // namespace

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

void request_stop() { g_stop.store(1); }
bool stop_requested() { return g_stop.load() != 0; }
int stop_signal() { return g_signal.load(); }

}  // namespace chorus::host
