#include "pinsync/app/signals.h"

#include <signal.h>
#include <unistd.h>

namespace pinsync::app {
namespace {

std::atomic<bool> g_stop{false};

extern "C" void OnStopSignal(int) {
  if (g_stop.exchange(true)) {
    // Second signal: the operator wants out now. Nothing unacknowledged gets committed.
    static const char kMessage[] = "pinsync: second signal, exiting without committing\n";
    [[maybe_unused]] auto n = write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
    _exit(130);
  }
}

}  // namespace

const std::atomic<bool>& InstallStopSignals() {
  struct sigaction action {};
  action.sa_handler = OnStopSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
  return g_stop;
}

}  // namespace pinsync::app
