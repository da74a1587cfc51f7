#pragma once
// A BatchSink for tests: keeps submitted batches until the test completes them, in any order.

#include <algorithm>
#include <deque>
#include <functional>
#include <optional>
#include <vector>

#include "pinsync/pinterest/batch_sink.h"

namespace pinsync::connector::testing {

class FakeBatchSink final : public pinterest::BatchSink {
 public:
  // With auto_ack every batch is acknowledged as soon as it is submitted.
  explicit FakeBatchSink(bool auto_ack = false) : auto_ack_(auto_ack) {}

  void Submit(aggregate::Batch batch) override {
    if (on_submit) on_submit(batch);
    pending_records_ += batch.size();
    delivered_records_ += batch.size();
    submitted_.push_back(std::move(batch));
    if (auto_ack_) Complete(submitted_.size() - 1);
  }
  // Called with each batch as it is submitted (before an auto_ack completes it).
  std::function<void(const aggregate::Batch&)> on_submit;
  size_t delivered_records() const { return delivered_records_; }
  std::vector<std::pair<pinterest::DeliveryOutcome, aggregate::Batch>> DrainOutcomes() override {
    auto out = std::move(done_);
    done_.clear();
    for (const auto& [_, batch] : out) pending_records_ -= batch.size();
    return out;
  }
  size_t PendingRecords() const override { return pending_records_; }
  // What PinterestView answers (the status page's Pinterest columns).
  std::vector<pinterest::ListView> views;
  std::vector<pinterest::ListView> PinterestView() const override { return views; }
  void Stop() override {}
  void SetBudgetShare(double share) override { budget_share_ = share; }
  double budget_share() const { return budget_share_; }
  // Like the real sink: the partitions' records leave every batch not yet completed.
  bool Withdraw(const std::vector<aggregate::PartitionId>& partitions, size_t* withdrawn) override {
    size_t removed = 0;
    auto of = [&](const aggregate::BatchRecord& r) {
      return std::find(partitions.begin(), partitions.end(), r.partition) != partitions.end();
    };
    for (auto& batch : submitted_) {
      removed += std::erase_if(batch.adds, of);
      removed += std::erase_if(batch.removes, of);
    }
    pending_records_ -= removed;
    withdrawals_.push_back(partitions);
    if (withdrawn != nullptr) *withdrawn = removed;
    return true;
  }
  // Every Withdraw call's partitions, in order.
  const std::vector<std::vector<aggregate::PartitionId>>& withdrawals() const {
    return withdrawals_;
  }

  // Submitted, not yet completed, in submission order.
  std::deque<aggregate::Batch>& submitted() { return submitted_; }
  // Completes the submitted batch at `index` (0 = oldest) with the given outcome.
  void Complete(size_t index,
                pinterest::DeliveryStatus status = pinterest::DeliveryStatus::kAcknowledged,
                std::vector<aggregate::BatchRecord> rejected = {}, std::string reason = "") {
    aggregate::Batch batch = std::move(submitted_.at(index));
    submitted_.erase(submitted_.begin() + static_cast<long>(index));
    pinterest::DeliveryOutcome outcome;
    outcome.batch_id = batch.id;
    outcome.status = status;
    outcome.rejected = std::move(rejected);
    outcome.reason = std::move(reason);
    done_.emplace_back(std::move(outcome), std::move(batch));
  }
  // Completes the submitted batch at `index` with `outcome` (its batch_id is filled in). With
  // `merged` (indexes of later batches of the same list), those batches' records move into it
  // and their ids go into outcome.merged_batch_ids, as the real sink's merging does.
  void CompleteWith(size_t index, pinterest::DeliveryOutcome outcome,
                    std::vector<size_t> merged = {}) {
    aggregate::Batch& batch = submitted_.at(index);
    std::sort(merged.rbegin(), merged.rend());
    for (size_t m : merged) {
      aggregate::Batch& later = submitted_.at(m);
      batch.adds.insert(batch.adds.end(), later.adds.begin(), later.adds.end());
      batch.removes.insert(batch.removes.end(), later.removes.begin(), later.removes.end());
      outcome.merged_batch_ids.push_back(later.id);
    }
    for (size_t m : merged) {
      // Merged batches settle with `batch`; DrainOutcomes counts their records in its size.
      submitted_.erase(submitted_.begin() + static_cast<long>(m));
      if (m < index) --index;
    }
    aggregate::Batch done = std::move(submitted_.at(index));
    submitted_.erase(submitted_.begin() + static_cast<long>(index));
    outcome.batch_id = done.id;
    done_.emplace_back(std::move(outcome), std::move(done));
  }
  void CompleteAll() {
    while (!submitted_.empty()) Complete(0);
  }

 private:
  std::deque<aggregate::Batch> submitted_;
  std::vector<std::pair<pinterest::DeliveryOutcome, aggregate::Batch>> done_;
  size_t pending_records_ = 0;
  size_t delivered_records_ = 0;
  std::vector<std::vector<aggregate::PartitionId>> withdrawals_;
  double budget_share_ = 1.0;
  bool auto_ack_;
};

}  // namespace pinsync::connector::testing
