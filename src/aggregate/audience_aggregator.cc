#include "pinsync/aggregate/audience_aggregator.h"

#include <algorithm>
#include <atomic>
#include <cassert>
#include <utility>

#include "pinsync/common/prefault.h"

namespace pinsync::aggregate {
namespace {

// Batch ids are unique in the process and increase in the order batches come out, across
// aggregator instances.
uint64_t NextBatchId() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

constexpr config::Millis kLongestMaxAge{100LL * 365 * 24 * 3600 * 1000};  // 100 years

}  // namespace

struct AudienceAggregator::OpenBatch {
  ListKey key;
  std::string audience_name;
  uint64_t open_sequence = 0;
  SteadyTime opened_at{};
  size_t max_records = 1;
  RecordSet records;
  std::vector<std::pair<PartitionId, int64_t>> lowest_offsets;
  size_t last_offset_slot = 0;  // most changes come from the partition of the previous one
  DeadlineQueue::iterator deadline;
  bool sealed = false;
};

BatchingPolicyFn BatchingPolicyFrom(const config::Config& config) {
  return [config](const std::string& audience_id) { return config.BatchingFor(audience_id); };
}

AudienceAggregator::AudienceAggregator(BatchingPolicyFn policy, const Clock& clock)
    : policy_(std::move(policy)), clock_(clock) {}

AudienceAggregator::~AudienceAggregator() = default;

AudienceAggregator::OpenBatch& AudienceAggregator::FindOrOpen(const ListKey& key,
                                                              std::string_view audience_name) {
  // The connector adds a message's identifiers list by list, and consecutive messages often
  // share an audience: skip hashing the key for those.
  OpenBatch*& last = last_batch_[static_cast<size_t>(key.list_type)];
  if (last != nullptr && last->key == key) return *last;
  auto it = open_.find(key);
  if (it != open_.end()) {
    last = it->second.get();
    return *last;
  }
  const config::BatchingConfig policy = policy_(key.audience_id);
  auto batch = std::make_unique<OpenBatch>();
  batch->key = key;
  batch->audience_name = std::string(audience_name);
  batch->open_sequence = next_open_sequence_++;
  batch->opened_at = clock_.Now();
  // max_records 0 would never flush (validation forbids it; one record is the safe reading), and
  // a RecordSet holds at most kMaxRecords (validation's maximum, 10 million, is below it).
  batch->max_records = std::clamp<size_t>(policy.max_records, 1, RecordSet::kMaxRecords);
  // Clamped so a huge configured age cannot overflow the clock's representation.
  const config::Millis age = std::clamp(policy.max_age, config::Millis(0), kLongestMaxAge);
  batch->deadline = deadlines_.emplace(batch->opened_at + age, batch.get());
  ++counters_.batches_opened;
  last = batch.get();
  open_.emplace(key, std::move(batch));
  return *last;
}

HoldChange AudienceAggregator::NoteOffset(OpenBatch& batch, PartitionId partition, int64_t offset) {
  auto& offsets = batch.lowest_offsets;
  size_t slot = batch.last_offset_slot;
  if (slot >= offsets.size() || offsets[slot].first != partition) {
    slot = 0;
    while (slot < offsets.size() && offsets[slot].first != partition) ++slot;
  }
  batch.last_offset_slot = slot;
  if (slot == offsets.size()) {
    offsets.emplace_back(partition, offset);
    return {offset, std::nullopt};
  }
  // Never raised by a later change; lowered by a replayed one.
  if (offset < offsets[slot].second) {
    const int64_t previous = std::exchange(offsets[slot].second, offset);
    return {offset, previous};
  }
  return {};
}

HoldChange AudienceAggregator::Add(const ListKey& key, std::string_view audience_name,
                                   const HashedId& id, MembershipOp op, PartitionId partition,
                                   int64_t offset) {
  ++counters_.changes;
  OpenBatch& batch = FindOrOpen(key, audience_name);
  if (batch.records.Upsert(id, op, partition)) {
    ++buffered_records_;
  } else {
    ++counters_.changes_collapsed;
  }
  const HoldChange change = NoteOffset(batch, partition, offset);
  // Entries reaching max_records may still be fewer distinct records: merge before sealing.
  if (batch.records.size() >= batch.max_records) {
    Merge(batch);
    if (batch.records.size() >= batch.max_records) Seal(batch);
  }
  return change;
}

void AudienceAggregator::MergeAll() {
  for (auto& [key, batch] : open_) Merge(*batch);
}

void AudienceAggregator::Merge(OpenBatch& batch) {
  const size_t collapsed = batch.records.Merge();
  buffered_records_ -= collapsed;
  counters_.changes_collapsed += collapsed;
}

std::unique_ptr<AudienceAggregator::OpenBatch> AudienceAggregator::Detach(OpenBatch& batch) {
  assert(!batch.sealed);
  for (OpenBatch*& last : last_batch_) {
    if (last == &batch) last = nullptr;
  }
  deadlines_.erase(batch.deadline);
  auto node = open_.extract(batch.key);
  assert(!node.empty());
  return std::move(node.mapped());
}

void AudienceAggregator::Seal(OpenBatch& batch) {
  ++counters_.flushed_full;
  std::unique_ptr<OpenBatch> owned = Detach(batch);
  owned->sealed = true;
  sealed_.push_back(std::move(owned));
}

Batch AudienceAggregator::Emit(std::unique_ptr<OpenBatch> open) {
  Merge(*open);
  buffered_records_ -= open->records.size();
  Batch out;
  out.id = NextBatchId();
  out.key = std::move(open->key);
  out.audience_name = std::move(open->audience_name);
  out.opened_at = open->opened_at;
  out.lowest_offsets = std::move(open->lowest_offsets);
  // Filled in full right below: one call maps their pages in instead of a fault per page.
  ReservePrefaulted(out.adds, open->records.add_count());
  ReservePrefaulted(out.removes, open->records.size() - open->records.add_count());
  open->records.ForEach([&out](const RecordEntry& e) {
    auto& into = e.op == MembershipOp::kAdd ? out.adds : out.removes;
    into.push_back(BatchRecord{e.id(), e.partition});
  });
  return out;
}

void AudienceAggregator::EmitSealed(std::vector<Batch>& out) {
  for (auto& batch : sealed_) out.push_back(Emit(std::move(batch)));
  sealed_.clear();
}

std::vector<Batch> AudienceAggregator::TakeReady() {
  std::vector<Batch> out;
  if (sealed_.empty() && deadlines_.empty()) return out;
  const SteadyTime now = clock_.Now();
  if (sealed_.empty() && now < deadlines_.begin()->first) return out;
  EmitSealed(out);
  while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
    ++counters_.flushed_aged;
    out.push_back(Emit(Detach(*deadlines_.begin()->second)));
  }
  return out;
}

std::vector<Batch> AudienceAggregator::FlushAll() {
  std::vector<Batch> out;
  EmitSealed(out);
  std::vector<OpenBatch*> open;
  open.reserve(open_.size());
  for (auto& [key, batch] : open_) open.push_back(batch.get());
  std::sort(open.begin(), open.end(), [](const OpenBatch* a, const OpenBatch* b) {
    return a->open_sequence < b->open_sequence;
  });
  for (OpenBatch* batch : open) {
    ++counters_.flushed_shutdown;
    out.push_back(Emit(Detach(*batch)));
  }
  return out;
}

std::vector<Batch> AudienceAggregator::FlushLargestUntil(size_t max_buffered) {
  std::vector<Batch> out;
  if (buffered_records_ <= max_buffered) return out;
  EmitSealed(out);
  if (buffered_records_ <= max_buffered) return out;
  // Unmerged changes count until merged: merging may free enough without flushing anything
  // early (a request with fewer records than it could carry costs Pinterest budget).
  MergeAll();
  if (buffered_records_ <= max_buffered) return out;
  std::vector<OpenBatch*> open;
  open.reserve(open_.size());
  for (auto& [key, batch] : open_) open.push_back(batch.get());
  // Largest first; ties by age so the result does not depend on hash order.
  std::sort(open.begin(), open.end(), [](const OpenBatch* a, const OpenBatch* b) {
    if (a->records.size() != b->records.size()) return a->records.size() > b->records.size();
    return a->open_sequence < b->open_sequence;
  });
  for (OpenBatch* batch : open) {
    if (buffered_records_ <= max_buffered) break;
    ++counters_.flushed_pressure;
    out.push_back(Emit(Detach(*batch)));
  }
  return out;
}

size_t AudienceAggregator::DropPartition(PartitionId partition) {
  size_t dropped = 0;
  // Returns true if the batch is now empty and must be discarded.
  auto drop_from = [&](OpenBatch& batch) {
    Merge(batch);  // counted as collapsed, not as dropped
    dropped += batch.records.DropPartition(partition);
    std::erase_if(batch.lowest_offsets, [&](const auto& p) { return p.first == partition; });
    batch.last_offset_slot = 0;
    return batch.records.size() == 0 && batch.lowest_offsets.empty();
  };
  std::erase_if(sealed_, [&](const std::unique_ptr<OpenBatch>& batch) {
    const bool empty = drop_from(*batch);
    if (empty) ++counters_.batches_discarded;
    return empty;
  });
  std::vector<OpenBatch*> emptied;
  for (auto& [key, batch] : open_) {
    if (drop_from(*batch)) emptied.push_back(batch.get());
  }
  for (OpenBatch* batch : emptied) {
    ++counters_.batches_discarded;
    Detach(*batch);
  }
  buffered_records_ -= dropped;
  counters_.records_dropped += dropped;
  return dropped;
}

size_t AudienceAggregator::buffered_bytes() const {
  size_t bytes = 0;
  for (const auto& [key, batch] : open_) bytes += batch->records.allocated_bytes();
  for (const auto& batch : sealed_) bytes += batch->records.allocated_bytes();
  return bytes;
}

std::optional<SteadyTime> AudienceAggregator::NextDeadline() const {
  if (!sealed_.empty()) return clock_.Now();
  if (deadlines_.empty()) return std::nullopt;
  return deadlines_.begin()->first;
}

void AudienceAggregator::ForEachBuffered(
    const std::function<void(const ListKey&, size_t, SteadyTime)>& visit) const {
  for (const auto& [key, batch] : open_) visit(key, batch->records.size(), batch->opened_at);
  for (const auto& batch : sealed_) visit(batch->key, batch->records.size(), batch->opened_at);
}

}  // namespace pinsync::aggregate
