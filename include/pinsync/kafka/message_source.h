#pragma once
// The connector's seam to Kafka: a consumer-group member that hands out messages one at a time,
// tells a listener about assignment changes, and commits offsets only when told to.
// KafkaMessageSource (kafka_message_source.h) is the librdkafka implementation;
// FakeMessageSource (fake_message_source.h) is the in-memory one for unit tests.

#include <chrono>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "pinsync/common/model.h"
#include "pinsync/common/result.h"
#include "pinsync/kafka/consumed_message.h"
#include "pinsync/kafka/error.h"

namespace pinsync::kafka {

// Offsets to commit. Kafka's convention: the offset committed is the NEXT offset to consume,
// i.e. (last processed offset + 1). Committing 0 means "nothing of this partition processed".
using OffsetList = std::vector<std::pair<TopicPartition, int64_t>>;

// Invoked synchronously on the polling thread, from inside MessageSource::Poll, before the
// assignment changes take effect. Inside OnPartitionsRevoked the partitions are still owned:
// the connector may drop their records, wait (bounded) for in-flight work, and call CommitSync.
// With cooperative-sticky only the partitions that move are listed; with an eager strategy every
// assigned partition is revoked and re-assigned on each rebalance.
class RebalanceListener {
 public:
  virtual ~RebalanceListener() = default;
  virtual void OnPartitionsAssigned(const std::vector<TopicPartition>& partitions) = 0;
  virtual void OnPartitionsRevoked(const std::vector<TopicPartition>& partitions) = 0;
  // The group moved on without us (session timeout, fenced): the partitions are already
  // someone else's and commits for them will fail. Treated as a revocation unless overridden.
  virtual void OnPartitionsLost(const std::vector<TopicPartition>& partitions) {
    OnPartitionsRevoked(partitions);
  }
};

// Not thread-safe: call every method from one thread (the polling thread); the listener runs
// on it too, from inside Poll or Close.
class MessageSource {
 public:
  virtual ~MessageSource() = default;

  // Set before the first Poll; null to stop listening. Not owned.
  virtual void SetRebalanceListener(RebalanceListener* listener) = 0;

  // The next message, or nullopt when none arrived within `timeout`. Rebalance callbacks and
  // commit results are served from here. Partition EOF and transient errors (a broker down, a
  // failed fetch) are logged and counted, not returned; only fatal errors are, after which the
  // source is unusable.
  virtual Result<std::optional<ConsumedMessage>, KafkaError> Poll(
      std::chrono::milliseconds timeout) = 0;

  // Up to `max_messages` messages into `out` (cleared first; its capacity is reused): waits up to
  // `timeout` for the first, then takes only what is already fetched. Ends early at an
  // assignment change, so no message polled before a rebalance callback is handed out after it.
  // Otherwise as Poll. This default takes one message per call; KafkaMessageSource takes many.
  virtual Status<KafkaError> PollBatch(std::chrono::milliseconds timeout, size_t max_messages,
                                       std::vector<ConsumedMessage>& out) {
    out.clear();
    if (max_messages == 0) return Ok{};
    auto polled = Poll(timeout);
    if (!polled.ok()) return Unexpected{std::move(polled.error())};
    if (polled->has_value()) out.push_back(std::move(**polled));
    return Ok{};
  }

  // Commits and waits for the coordinator's answer. Offsets follow Kafka's convention (next
  // offset to consume). An error means nothing is known to be committed; retrying is safe.
  virtual Status<KafkaError> CommitSync(const OffsetList& offsets) = 0;
  // Commits without waiting; the outcome is logged and counted when a later Poll serves it.
  virtual void CommitAsync(const OffsetList& offsets) = 0;

  // Stops/restarts fetching from these partitions while staying in the group (keep polling).
  // A partition assigned later starts unpaused.
  virtual void Pause(const std::vector<TopicPartition>& partitions) = 0;
  virtual void Resume(const std::vector<TopicPartition>& partitions) = 0;

  virtual std::vector<TopicPartition> Assignment() const = 0;
  // How many partitions the subscribed topics have in all (the whole group's share of work), or
  // 0 if unknown. May ask the cluster (bounded); call on rebalances, not per message.
  virtual size_t SubscribedPartitionCount() { return 0; }

  // Leaves the group cleanly (revocation is delivered to the listener first). Bounded; idempotent.
  virtual void Close() = 0;
};

}  // namespace pinsync::kafka
