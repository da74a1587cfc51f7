#pragma once
// SIGTERM/SIGINT handling shared by the long-running commands: the first signal asks for a
// graceful stop (the returned flag becomes true); a second one exits at once, without
// committing unacknowledged work (exit code 130).

#include <atomic>

namespace pinsync::app {

const std::atomic<bool>& InstallStopSignals();

}  // namespace pinsync::app
