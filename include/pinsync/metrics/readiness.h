#pragma once
// When pinsync should take traffic in a rollout (/readyz), as opposed to being alive (/healthz).

#include <string>

#include "pinsync/metrics/status_snapshot.h"

namespace pinsync::metrics {

struct Readiness {
  bool ready = false;
  std::string reason;  // one line: why not ready, or "ready"
};

// Ready once the consumer joined its group and Pinterest accepted the credentials; not ready
// while shutting down or while every ad account is held. Without a snapshot yet: starting.
Readiness EvaluateReadiness(const StatusSnapshot* snapshot, bool shutting_down);

}  // namespace pinsync::metrics
