// FakeMessageSource: Kafka's consumer-group behaviour, in memory, for connector unit tests.

#include "pinsync/kafka/fake_message_source.h"

#include <algorithm>

namespace pinsync::kafka {

int64_t FakeMessageSource::Append(const TopicPartition& tp, std::string key, std::string value,
                                  int64_t timestamp_ms) {
  auto& log = logs_[tp];
  log.push_back(StoredRecord{std::move(key), std::move(value), timestamp_ms});
  return static_cast<int64_t>(log.size()) - 1;
}

void FakeMessageSource::ScheduleAssign(std::vector<TopicPartition> partitions) {
  rebalances_.push_back({RebalanceKind::kAssign, std::move(partitions)});
}
void FakeMessageSource::ScheduleRevoke(std::vector<TopicPartition> partitions) {
  rebalances_.push_back({RebalanceKind::kRevoke, std::move(partitions)});
}
void FakeMessageSource::ScheduleLost(std::vector<TopicPartition> partitions) {
  rebalances_.push_back({RebalanceKind::kLost, std::move(partitions)});
}

bool FakeMessageSource::paused(const TopicPartition& tp) const {
  auto it = assigned_.find(tp);
  return it != assigned_.end() && it->second.paused;
}

size_t FakeMessageSource::Remaining() const {
  size_t n = 0;
  for (const auto& [tp, state] : assigned_) {
    auto log = logs_.find(tp);
    if (log == logs_.end()) continue;
    n += log->second.size() -
         std::min<size_t>(log->second.size(), static_cast<size_t>(state.position));
  }
  return n;
}

void FakeMessageSource::DeliverRebalances() {
  while (!rebalances_.empty()) {
    ScheduledRebalance r = std::move(rebalances_.front());
    rebalances_.pop_front();
    switch (r.kind) {
      case RebalanceKind::kAssign:
        for (const auto& tp : r.partitions) {
          auto c = committed_.find(tp);
          assigned_[tp] = PartitionState{c == committed_.end() ? 0 : c->second, false};
        }
        if (listener_ != nullptr) listener_->OnPartitionsAssigned(r.partitions);
        break;
      case RebalanceKind::kRevoke:
        // The listener runs while the partitions are still owned, so it may commit them.
        if (listener_ != nullptr) listener_->OnPartitionsRevoked(r.partitions);
        for (const auto& tp : r.partitions) assigned_.erase(tp);
        break;
      case RebalanceKind::kLost:
        for (const auto& tp : r.partitions) assigned_.erase(tp);
        if (listener_ != nullptr) listener_->OnPartitionsLost(r.partitions);
        break;
    }
  }
}

Result<std::optional<ConsumedMessage>, KafkaError> FakeMessageSource::Poll(
    std::chrono::milliseconds /*timeout*/) {
  if (closed_) {
    return Unexpected{KafkaError{KafkaErrorCode::kClosed, "fake source polled after Close()", 0}};
  }
  if (poll_error_) {
    KafkaError error = std::move(*poll_error_);
    poll_error_.reset();
    return Unexpected{std::move(error)};
  }
  DeliverRebalances();
  // Round-robin over assigned, unpaused partitions with something left.
  std::vector<TopicPartition> ready;
  for (const auto& [tp, state] : assigned_) {
    auto log = logs_.find(tp);
    if (!state.paused && log != logs_.end() &&
        state.position < static_cast<int64_t>(log->second.size())) {
      ready.push_back(tp);
    }
  }
  if (ready.empty()) return std::optional<ConsumedMessage>();
  const TopicPartition& tp = ready[round_robin_++ % ready.size()];
  PartitionState& state = assigned_[tp];
  const StoredRecord& record = logs_[tp][static_cast<size_t>(state.position)];
  ConsumedMessage message(tp, state.position, record.key, record.value, record.timestamp_ms);
  ++state.position;
  return std::optional<ConsumedMessage>(std::move(message));
}

Status<KafkaError> FakeMessageSource::Commit(const OffsetList& offsets) {
  if (closed_) return Unexpected{KafkaError{KafkaErrorCode::kClosed, "fake source closed", 0}};
  if (failing_commits_ > 0) {
    --failing_commits_;
    return Unexpected{KafkaError{KafkaErrorCode::kCommitFailed, "injected commit failure", 0}};
  }
  for (const auto& [tp, offset] : offsets) committed_[tp] = offset;
  commit_history_.push_back(offsets);
  return Ok{};
}

Status<KafkaError> FakeMessageSource::CommitSync(const OffsetList& offsets) {
  return Commit(offsets);
}

void FakeMessageSource::CommitAsync(const OffsetList& offsets) { (void)Commit(offsets); }

void FakeMessageSource::Pause(const std::vector<TopicPartition>& partitions) {
  for (const auto& tp : partitions) {
    if (auto it = assigned_.find(tp); it != assigned_.end()) it->second.paused = true;
  }
}

void FakeMessageSource::Resume(const std::vector<TopicPartition>& partitions) {
  for (const auto& tp : partitions) {
    if (auto it = assigned_.find(tp); it != assigned_.end()) it->second.paused = false;
  }
}

std::vector<TopicPartition> FakeMessageSource::Assignment() const {
  std::vector<TopicPartition> out;
  for (const auto& [tp, state] : assigned_) out.push_back(tp);
  return out;
}

void FakeMessageSource::Close() {
  if (closed_) return;
  std::vector<TopicPartition> owned = Assignment();
  if (listener_ != nullptr && !owned.empty()) listener_->OnPartitionsRevoked(owned);
  assigned_.clear();
  closed_ = true;
}

}  // namespace pinsync::kafka
