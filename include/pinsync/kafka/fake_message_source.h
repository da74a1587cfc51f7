#pragma once
// An in-memory MessageSource for unit tests: per-partition logs the test appends to, scripted
// rebalances delivered from inside Poll (as librdkafka does), commits recorded, commit failures
// injectable. Single-threaded, like the real consumer.

#include <cstddef>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "pinsync/kafka/message_source.h"

namespace pinsync::kafka {

class FakeMessageSource final : public MessageSource {
 public:
  // Appends to a partition's log; returns the message's offset.
  int64_t Append(const TopicPartition& tp, std::string key, std::string value,
                 int64_t timestamp_ms = 0);

  // Scripted rebalances, delivered to the listener at the start of the next Poll. An assigned
  // partition starts at its committed offset (0 if none), so revoked work is replayed by the
  // next owner exactly as in Kafka. Lost partitions are delivered via OnPartitionsLost.
  void ScheduleAssign(std::vector<TopicPartition> partitions);
  void ScheduleRevoke(std::vector<TopicPartition> partitions);
  void ScheduleLost(std::vector<TopicPartition> partitions);

  // The next `count` commits (sync or async) fail with kCommitFailed.
  void FailNextCommits(int count) { failing_commits_ = count; }
  // A fatal error returned by the next Poll.
  void FailNextPoll(KafkaError error) { poll_error_ = std::move(error); }

  // Committed offsets (next offset to consume), per partition.
  const std::map<TopicPartition, int64_t>& committed() const { return committed_; }
  // Every successful commit call, in order (async ones included).
  const std::vector<OffsetList>& commit_history() const { return commit_history_; }
  bool paused(const TopicPartition& tp) const;
  bool closed() const { return closed_; }
  // Messages not yet returned on assigned partitions (paused or not).
  size_t Remaining() const;

  // MessageSource.
  void SetRebalanceListener(RebalanceListener* listener) override { listener_ = listener; }
  Result<std::optional<ConsumedMessage>, KafkaError> Poll(
      std::chrono::milliseconds timeout) override;
  Status<KafkaError> CommitSync(const OffsetList& offsets) override;
  void CommitAsync(const OffsetList& offsets) override;
  void Pause(const std::vector<TopicPartition>& partitions) override;
  void Resume(const std::vector<TopicPartition>& partitions) override;
  std::vector<TopicPartition> Assignment() const override;
  void Close() override;
  size_t SubscribedPartitionCount() override { return subscribed_partitions_; }
  void set_subscribed_partition_count(size_t n) { subscribed_partitions_ = n; }

 private:
  size_t subscribed_partitions_ = 0;
  struct StoredRecord {
    std::string key;
    std::string value;
    int64_t timestamp_ms;
  };
  struct PartitionState {
    int64_t position = 0;
    bool paused = false;
  };
  enum class RebalanceKind { kAssign, kRevoke, kLost };
  struct ScheduledRebalance {
    RebalanceKind kind;
    std::vector<TopicPartition> partitions;
  };

  void DeliverRebalances();
  Status<KafkaError> Commit(const OffsetList& offsets);

  RebalanceListener* listener_ = nullptr;
  std::map<TopicPartition, std::vector<StoredRecord>> logs_;
  std::map<TopicPartition, PartitionState> assigned_;
  std::map<TopicPartition, int64_t> committed_;
  std::vector<OffsetList> commit_history_;
  std::deque<ScheduledRebalance> rebalances_;
  std::optional<KafkaError> poll_error_;
  size_t round_robin_ = 0;
  int failing_commits_ = 0;
  bool closed_ = false;
};

}  // namespace pinsync::kafka
