#pragma once
// The delivery seam: the connector hands flushed batches to a BatchSink and later drains
// outcomes. The Pinterest implementation runs on its own thread (libcurl multi); a fake in tests.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "pinsync/aggregate/batch.h"
#include "pinsync/pinterest/list_view.h"

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
  // Later batches of the same list that were merged into this one while they waited for their
  // turn (Submit); they are settled by this outcome too, and its batch carries their records.
  std::vector<uint64_t> merged_batch_ids;
  // ADDs not sent because the list holds Pinterest's record cap (ListView::full): settled like
  // rejected records (dead-lettered with reason "list_full"), counted as errored per audience.
  std::vector<aggregate::BatchRecord> refused_list_full;
};

// The ordering contract, across owners: for any record, Pinterest applies its changes in the
// order they appear in its partition. Within this process Submit's per-list order keeps it. When
// a partition leaves this process (revoked or lost), Withdraw stops every request that would
// still carry its records, so after Withdraw returns only requests already on the wire can land;
// the next owner waits out their timeout before sending (Batch::not_before). docs/pinterest.md,
// "Ordering across owners", gives the reasoning and its limits.
class BatchSink {
 public:
  virtual ~BatchSink() = default;
  // Non-blocking. Batches with the same ListKey are delivered one at a time, in submission
  // order, so a later REMOVE never overtakes an earlier ADD of the same record. No request of the
  // batch starts before batch.not_before. A later batch of a list joins an earlier one that has
  // not started (waiting for the budget, its embargo, the list's batch in flight), or the unsent
  // part of a started one if it changes no record whose sent change is unacknowledged: the last
  // change per record wins; one outcome settles both once all is acknowledged (merged_batch_ids).
  virtual void Submit(aggregate::Batch batch) = 0;
  // Removes the records of `partitions` from every batch submitted so far and not yet finished:
  // unsent requests are rebuilt without them, their retries stop, and outcomes no longer carry
  // them. Blocks until no request carrying them can start any more (bounded by the delivery
  // loop's tick; false if the delivery thread did not confirm in time). Batches submitted
  // afterwards are unaffected, so a partition assigned again is delivered normally. `withdrawn`
  // (optional) receives the number of records removed.
  virtual bool Withdraw(const std::vector<aggregate::PartitionId>& partitions,
                        size_t* withdrawn) = 0;
  // Non-blocking: the outcomes finished since the last call, each batch exactly once.
  // The returned batch keeps its records so failures can be dead-lettered.
  virtual std::vector<std::pair<DeliveryOutcome, aggregate::Batch>> DrainOutcomes() = 0;
  // Blocks until DrainOutcomes has something, the sink stopped, or `timeout` passed; true if
  // outcomes are ready. For a caller with nothing to do but wait for acknowledgements (shutdown,
  // revocation), instead of waking every few milliseconds to look. The default, for sinks without
  // a signal (test fakes), sleeps at most kOutcomePollInterval and answers false: callers poll.
  virtual bool AwaitOutcomes(Duration timeout);
  static constexpr Duration kOutcomePollInterval = std::chrono::milliseconds(5);
  // Records submitted and not yet drained.
  virtual size_t PendingRecords() const = 0;
  // This member's share (0..1] of pinterest.requests_per_minute, the budget of the whole
  // consumer group per ad account (SyncPipeline::SetGroupPartitionCount). Thread-safe.
  virtual void SetBudgetShare(double share) = 0;
  // Pinterest's view of every list this member has resolved or swept (ListView). Thread-safe
  // snapshot; empty for sinks that do not read Pinterest.
  virtual std::vector<ListView> PinterestView() const { return {}; }
  // Stops accepting work and joins the delivery thread. Pending batches are abandoned.
  virtual void Stop() = 0;
};

using BatchSinkPtr = std::unique_ptr<BatchSink>;

}  // namespace pinsync::pinterest
