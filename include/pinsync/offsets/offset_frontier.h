#pragma once
// The offset frontier: per assigned partition, the offset it is safe to commit. That is the
// lowest offset held by anything not yet settled (a batch open or in flight, a dead-letter copy
// not yet acknowledged), or one past the last consumed offset when nothing is held. Holds are
// counted: one message may be held by several batches (its EMAIL and its MAID list).
// Pure: no I/O, no threads; it runs on the consumer thread.
//
// Protocol for one message at offset o of partition p:
//   1. every Hold(p, ...) its processing causes (the aggregator's HoldChange; or Hold(p, o) for a
//      message that yields nothing but a dead-letter copy),
//   2. then Consumed(p, o).
// When a batch is acknowledged (or given up and dead-lettered): Release(p, off) for each entry of
// its lowest_offsets. On revocation: Revoke(p) forgets p; releases for p are then ignored until
// p is assigned again, so the caller must forget p's entries of batches still in flight before
// it assigns p again (e.g. filter lowest_offsets by the current assignment).

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "pinsync/aggregate/batch.h"

namespace pinsync::offsets {

using aggregate::PartitionId;

class OffsetFrontier {
 public:
  // Starts tracking p (no-op if already assigned).
  void Assign(PartitionId p);
  // Forgets everything about p: its holds, what was consumed and what was taken.
  void Revoke(PartitionId p);

  // The message at `offset` is processed (its holds are in place). False (and ignored) if p is
  // not assigned, e.g. a message polled before a revocation.
  bool Consumed(PartitionId p, int64_t offset);
  // One more hold on `offset`. False (and ignored) if p is not assigned.
  bool Hold(PartitionId p, int64_t offset);
  // Drops one hold on `offset`. Ignored if p is not assigned (revoked meanwhile). Releasing an
  // offset of an assigned partition that is not held is a programming error: it asserts in debug
  // builds and is ignored (counted in unmatched_releases()) otherwise.
  void Release(PartitionId p, int64_t offset);

  // What may be committed for p (Kafka's "next offset to read"); nullopt if p is not assigned or
  // nothing was consumed since it was assigned.
  std::optional<int64_t> Committable(PartitionId p) const;
  // The partitions whose committable offset advanced since the previous call (or since they were
  // assigned), with that offset, in partition id order: what to commit next.
  std::vector<std::pair<PartitionId, int64_t>> TakeCommittable();

  bool assigned(PartitionId p) const { return partitions_.contains(p); }
  std::vector<PartitionId> assigned_partitions() const;
  // Holds in place, counted with multiplicity: in total and for one partition.
  size_t held() const { return held_; }
  size_t held(PartitionId p) const;
  std::optional<int64_t> LowestHeld(PartitionId p) const;
  std::optional<int64_t> LastConsumed(PartitionId p) const;
  uint64_t unmatched_releases() const { return unmatched_releases_; }

 private:
  struct PartitionState {
    std::optional<int64_t> last_consumed;
    std::optional<int64_t> last_taken;
    std::map<int64_t, uint32_t> holds;  // offset -> count
    size_t held = 0;
  };

  absl::flat_hash_map<PartitionId, PartitionState> partitions_;
  size_t held_ = 0;
  uint64_t unmatched_releases_ = 0;
};

}  // namespace pinsync::offsets
