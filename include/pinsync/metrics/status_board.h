#pragma once
// The hand-over point between the consumer thread, which publishes a StatusSnapshot about once a
// second, and the HTTP threads, which read the latest one (the status page, /status.json,
// /readyz). Thread-safe; readers get an immutable shared copy.

#include <atomic>
#include <memory>
#include <mutex>

#include "pinsync/metrics/readiness.h"
#include "pinsync/metrics/status_snapshot.h"

namespace pinsync::metrics {

class StatusBoard {
 public:
  void Publish(StatusSnapshot snapshot) {
    auto shared = std::make_shared<const StatusSnapshot>(std::move(snapshot));
    std::lock_guard lock(mutex_);
    latest_ = std::move(shared);
  }
  // Null until the first Publish.
  std::shared_ptr<const StatusSnapshot> Latest() const {
    std::lock_guard lock(mutex_);
    return latest_;
  }
  // From the moment shutdown starts: /readyz answers 503 at once, not at the next snapshot.
  void SetShuttingDown(bool shutting_down) { shutting_down_.store(shutting_down); }
  bool shutting_down() const { return shutting_down_.load(); }

  Readiness CurrentReadiness() const {
    auto snapshot = Latest();
    return EvaluateReadiness(snapshot.get(), shutting_down());
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const StatusSnapshot> latest_;
  std::atomic<bool> shutting_down_{false};
};

}  // namespace pinsync::metrics
