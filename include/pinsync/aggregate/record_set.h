#pragma once
// The records of one open batch: the net operation per hashed identifier, last change wins.
//
// Changes are appended first and merged later. Until its first Merge a set only appends (no
// lookup): in a large backlog the open batches of every list are cold, and probing a hash index
// per change cost a cache and TLB miss each (docs/performance.md, issue 10, twelfth pass). Merge
// then deduplicates one set at a time, its index small enough to stay in cache, keeping each
// record's latest change at the position of its first one. After its first Merge a set stays
// merged: every further change goes through the index, so a batch whose changes keep
// collapsing (the same users over and over) never merges twice. The owner merges a set when it
// holds batching.max_records entries, under backpressure, before dropping a partition and when
// the batch is emitted; so a set holds at most max_records unmerged entries.
//
// Memory budget: a buffered record must cost at most 64 bytes. A flat_hash_map keyed by the
// 33-byte HashedId would have a 44-byte slot; absl keeps its load between 7/16 (just after a
// doubling) and 7/8, so the worst case would be (44 + 1 control byte) * 16/7 = 103 bytes.
// Instead the records live in a dense array of 40-byte entries, in arrival order, and the hash
// index (RecordIndex, built by Merge) maps identifiers to 4-byte positions into that array, at
// most 10 bytes per record. Entries are stored in chunks (16, 32, then 64 entries each) rather
// than a std::vector so growth never copies and never holds two buffers at once (a vector peaks
// at 3x while growing), and a batch wastes at most 63 entries (2.5 KB); the index, too, is
// rebuilt from the entries after its old array is freed, so nothing is ever held twice.
// Measured (record_set_test, bench/aggregator_bench.cc): see docs/performance.md. Smaller
// batches cost more per record (at most 2.5 KB of chunk slack plus the index's first 64 bytes).
//
// Threading: none; owned by one batch on the consumer thread.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "pinsync/aggregate/batch.h"
#include "pinsync/aggregate/record_index.h"
#include "pinsync/common/model.h"

namespace pinsync::aggregate {

// One buffered record: hash bytes (zero-padded), the partition of its latest change, and the
// net operation.
struct RecordEntry {
  std::array<uint8_t, 32> bytes;
  PartitionId partition;
  MembershipOp op;
  uint8_t length;

  HashedId id() const {
    HashedId out;
    out.bytes = bytes;
    out.length = length;
    return out;
  }
};
static_assert(sizeof(RecordEntry) == 40, "a buffered record entry must stay at 40 bytes");

class RecordSet {
 public:
  // The most records one set holds (positions are 24 bits); batching.max_records is below it.
  static constexpr size_t kMaxRecords = RecordIndex::kMaxPositions;

  RecordSet();
  // The index points at memory_: neither copyable nor movable.
  RecordSet(const RecordSet&) = delete;
  RecordSet& operator=(const RecordSet&) = delete;

  // Records the change. Before the first Merge it is appended as is; after it, the later change
  // replaces the earlier one of the same record. True if size() grew (always before the first
  // Merge; after it, only for a new record). Requires size() < kMaxRecords when it may grow.
  bool Upsert(const HashedId& id, MembershipOp op, PartitionId partition);
  // Deduplicates the appended changes: each record once, with its latest change (op and
  // partition), at the position of its first change, so ForEach keeps first-arrival order.
  // Returns how many entries it removed (changes that replaced an earlier one). The set stays
  // merged afterwards; a no-op returning 0 when it already is.
  size_t Merge();
  bool merged() const { return merged_; }
  // Merges, then forgets the records whose latest change came from `partition`; returns how
  // many records it dropped (not counting what the merge removed: merge first to count that).
  size_t DropPartition(PartitionId partition);

  // The record's latest change, nullptr if absent. Before the first Merge it scans the appended
  // changes from the end (for tests and rare use, not per message).
  const RecordEntry* Find(const HashedId& id) const;
  // Entries held: distinct records once merged, records plus unmerged changes before.
  size_t size() const { return size_; }
  // Records whose net operation is an add. Requires merged().
  size_t add_count() const;
  // Heap bytes held: entry chunks and the hash index (plus the chunk directory).
  size_t allocated_bytes() const;
  // The most allocated_bytes() has been at any instant.
  size_t peak_allocated_bytes() const;

  // Merges (so each record comes once, with its latest change), then visits the records in the
  // order they first arrived.
  template <class Fn>
  void ForEach(Fn&& fn) {
    Merge();
    for (uint32_t i = 0; i < size_; ++i) fn(std::as_const(*this).At(i));
  }

 private:
  const RecordEntry& At(uint32_t position) const;
  RecordEntry& At(uint32_t position);
  RecordEntry& Append();
  // Appends the change as a new entry. Requires size() < kMaxRecords.
  void AppendChange(const HashedId& id, MembershipOp op, PartitionId partition);
  // Gives an entry a later change, keeping the count of adds `adds` in step.
  static void Replace(RecordEntry& e, MembershipOp op, PartitionId partition, size_t& adds);
  bool Matches(uint32_t position, const HashedId& id) const;
  // Frees the chunks past the last entry (after entries were removed).
  void FreeUnusedChunks();
  // Rebuilds the index from the entries, at `capacity` slots.
  void Reindex(size_t capacity);

  std::vector<std::unique_ptr<RecordEntry[]>> chunks_;
  size_t capacity_ = 0;  // entries allocated across chunks
  uint32_t size_ = 0;
  size_t adds_ = 0;  // meaningful when merged_
  bool merged_ = false;
  MemoryCounter memory_;  // chunks and index; declared before index_, which points at it
  RecordIndex index_;
};

}  // namespace pinsync::aggregate
