#include "pinsync/metrics/readiness.h"

#include <algorithm>

namespace pinsync::metrics {

Readiness EvaluateReadiness(const StatusSnapshot* snapshot, bool shutting_down) {
  if (shutting_down) return {false, "shutting down"};
  if (snapshot == nullptr) return {false, "starting: no status published yet"};
  if (!snapshot->joined) return {false, "waiting to join the Kafka consumer group"};
  if (!snapshot->accounts.empty() &&
      std::all_of(snapshot->accounts.begin(), snapshot->accounts.end(),
                  [](const AccountStatus& a) { return a.held; })) {
    return {false, "every ad account is held (403, or a 401 no token fixes): see the logs"};
  }
  if (!snapshot->credentials_accepted) {
    return {false, "waiting for Pinterest to accept the credentials (no successful request yet)"};
  }
  return {true, "ready"};
}

}  // namespace pinsync::metrics
