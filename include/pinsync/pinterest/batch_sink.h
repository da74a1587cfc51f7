#pragma once
// The delivery seam: the connector hands flushed batches to a BatchSink and later drains
// outcomes. The Pinterest implementation runs on its own thread (libcurl multi); a fake in tests.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "pinsync/aggregate/batch.h"

namespace pinsync::pinterest {

enum class DeliveryStatus : uint8_t {
  kAcknowledged,  // Pinterest accepted every record (less any in `rejected`)
  kFailed,        // gave up: permanent error or retry_max_duration exceeded; every record failed
};

struct DeliveryOutcome {
  uint64_t batch_id = 0;
  DeliveryStatus status = DeliveryStatus::kAcknowledged;
  // Records Pinterest rejected permanently (isolated by splitting a 400); the rest went through.
  std::vector<aggregate::BatchRecord> rejected;
  std::string reason;  // short stable reason for metrics/dead-letter headers, e.g. "http_400"
  std::string detail;  // human-readable, never contains records or tokens
};

class BatchSink {
 public:
  virtual ~BatchSink() = default;
  // Non-blocking. Batches with the same ListKey are delivered one at a time, in submission
  // order, so a later REMOVE never overtakes an earlier ADD of the same record.
  virtual void Submit(aggregate::Batch batch) = 0;
  // Non-blocking: the outcomes finished since the last call, each batch exactly once.
  // The returned batch keeps its records so failures can be dead-lettered.
  virtual std::vector<std::pair<DeliveryOutcome, aggregate::Batch>> DrainOutcomes() = 0;
  // Records submitted and not yet drained.
  virtual size_t PendingRecords() const = 0;
  // Stops accepting work and joins the delivery thread. Pending batches are abandoned.
  virtual void Stop() = 0;
};

using BatchSinkPtr = std::unique_ptr<BatchSink>;

}  // namespace pinsync::pinterest
