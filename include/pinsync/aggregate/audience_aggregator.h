#pragma once
// The per-audience aggregator: builds one open batch per customer list (ListKey) holding the net
// operation per record, and hands batches out when they are full, old enough, under memory
// pressure, or at shutdown. Pure: no I/O, no threads; time comes from the injected Clock. It runs
// on the consumer thread.
//
// Ordering: batches of one ListKey always come out (from any method) in the order they were
// opened, and every method that returns batches first returns the ones already sealed by the
// size trigger, so a later change never overtakes an earlier one of the same list.

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "pinsync/aggregate/batch.h"
#include "pinsync/aggregate/record_set.h"
#include "pinsync/common/clock.h"
#include "pinsync/common/model.h"
#include "pinsync/config/config.h"

namespace pinsync::aggregate {

// The batching policy for an audience: the global default or its override. Asked once per
// opened batch.
using BatchingPolicyFn = std::function<config::BatchingConfig(const std::string& audience_id)>;

// The policy Config::BatchingFor describes (copies what it needs from `config`).
BatchingPolicyFn BatchingPolicyFrom(const config::Config& config);

// What the offset frontier must do after an Add, for the partition passed to Add. A batch holds
// its lowest offset per partition: the first change from a partition into a batch creates a hold;
// a lower offset from the same partition (a replay) moves it down.
struct HoldChange {
  std::optional<int64_t> hold;     // frontier.Hold(partition, *hold)
  std::optional<int64_t> release;  // then frontier.Release(partition, *release)
};

// Running totals, for the connector's metrics.
struct AggregatorCounters {
  uint64_t changes = 0;  // Add calls
  // Changes that replaced an earlier change of the same record; counted when a batch merges its
  // changes (RecordSet::Merge: at max_records entries, backpressure, revocation, flush).
  uint64_t changes_collapsed = 0;
  uint64_t batches_opened = 0;
  uint64_t flushed_full = 0;       // batches flushed because they reached max_records
  uint64_t flushed_aged = 0;       // ... because their oldest change reached max_age
  uint64_t flushed_pressure = 0;   // ... by FlushLargestUntil
  uint64_t flushed_shutdown = 0;   // ... by FlushAll
  uint64_t records_dropped = 0;    // by DropPartition
  uint64_t batches_discarded = 0;  // left empty by DropPartition
};

class AudienceAggregator {
 public:
  AudienceAggregator(BatchingPolicyFn policy, const Clock& clock);
  ~AudienceAggregator();
  AudienceAggregator(const AudienceAggregator&) = delete;
  AudienceAggregator& operator=(const AudienceAggregator&) = delete;

  // Merges one change into the open batch of `key` (opening one if needed; `audience_name` is
  // kept from the change that opened it). A batch that reaches max_records distinct records is
  // sealed at once and comes out of the next TakeReady. (Changes are appended and merged when a
  // batch holds max_records of them; see RecordSet.)
  HoldChange Add(const ListKey& key, std::string_view audience_name, const HashedId& id,
                 MembershipOp op, PartitionId partition, int64_t offset);

  // The batches due: sealed by size, or whose oldest change is at least max_age old. Cheap when
  // nothing is due (one clock read and two comparisons), so call it after every poll.
  std::vector<Batch> TakeReady();
  // Everything buffered (shutdown).
  std::vector<Batch> FlushAll();
  // Backpressure: the sealed batches, then (after MergeAll) the largest open ones until at most
  // `max_buffered` records remain buffered.
  std::vector<Batch> FlushLargestUntil(size_t max_buffered);
  // Merges the changes of every open batch (RecordSet::Merge): buffered_records() then counts
  // distinct records only. Each batch merges once; later calls cost a walk over the open batches.
  void MergeAll();
  // Revocation: drops the records whose latest change came from `partition`, and that
  // partition's lowest offset, from every buffered batch (the new owner replays them). A batch
  // left with no records and no offsets is discarded. Returns the records dropped. The caller
  // revokes the partition in the frontier, which forgets its holds.
  size_t DropPartition(PartitionId partition);

  // Records and not yet merged changes held in buffered batches (what memory is spent on).
  size_t buffered_records() const { return buffered_records_; }
  size_t buffered_batches() const { return open_.size() + sealed_.size(); }
  // Heap bytes held by the buffered records (entries and hash indexes).
  size_t buffered_bytes() const;
  // When TakeReady will next have something by age; nullopt if no batch is open. Sealed
  // batches are due now.
  std::optional<SteadyTime> NextDeadline() const;
  const AggregatorCounters& counters() const { return counters_; }
  // Calls `visit(key, records, opened_at)` for every buffered batch (open or sealed), for the
  // per-audience pending gauges: one call per list, never per record.
  void ForEachBuffered(const std::function<void(const ListKey&, size_t, SteadyTime)>& visit) const;

 private:
  struct OpenBatch;
  using DeadlineQueue = std::multimap<SteadyTime, OpenBatch*>;

  OpenBatch& FindOrOpen(const ListKey& key, std::string_view audience_name);
  HoldChange NoteOffset(OpenBatch& batch, PartitionId partition, int64_t offset);
  // RecordSet::Merge, with the counters and buffered_records_ it moves.
  void Merge(OpenBatch& batch);
  void Seal(OpenBatch& batch);
  std::unique_ptr<OpenBatch> Detach(OpenBatch& batch);  // removes an open batch from the indexes
  Batch Emit(std::unique_ptr<OpenBatch> batch);
  void EmitSealed(std::vector<Batch>& out);

  BatchingPolicyFn policy_;
  const Clock& clock_;
  absl::flat_hash_map<ListKey, std::unique_ptr<OpenBatch>> open_;
  std::vector<std::unique_ptr<OpenBatch>> sealed_;  // full, in sealing order
  DeadlineQueue deadlines_;                         // open batches by flush deadline
  // Per list type, the open batch of the previous Add of that type: the connector adds a
  // message's emails, then its mobile ids, so one entry for both would miss on every switch.
  std::array<OpenBatch*, 2> last_batch_{};
  size_t buffered_records_ = 0;
  uint64_t next_open_sequence_ = 0;
  AggregatorCounters counters_;
};

}  // namespace pinsync::aggregate
