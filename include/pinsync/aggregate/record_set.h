#pragma once
// The records of one open batch: the net operation per hashed identifier, last change wins.
//
// Memory budget: a buffered record must cost at most 64 bytes. A flat_hash_map keyed by the
// 33-byte HashedId would have a 44-byte slot; absl keeps its load between 7/16 (just after a
// doubling) and 7/8, so the worst case would be (44 + 1 control byte) * 16/7 = 103 bytes.
// Instead the records live in a dense array of 40-byte entries, in arrival order, and the hash
// index (RecordIndex) maps identifiers to 4-byte positions into that array, at most 10 bytes
// per record. Entries are stored in chunks (16, 32, then 64 entries each) rather than a
// std::vector so growth never copies and never holds two buffers at once (a vector peaks at 3x
// while growing), and a batch wastes at most 63 entries (2.5 KB); the index, too, is rebuilt
// from the entries after its old array is freed, so nothing is ever held twice.
// Measured (record_set_test, bench/aggregator_bench.cc): see docs/performance.md. Smaller
// batches cost more per record (at most 2.5 KB of chunk slack plus the index's first 64 bytes).

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
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

  // Records the change; the later change replaces the earlier one. True if the record is new.
  // Requires size() < kMaxRecords when the record may be new.
  bool Upsert(const HashedId& id, MembershipOp op, PartitionId partition);
  // Forgets the records whose latest change came from `partition`; returns how many.
  size_t DropPartition(PartitionId partition);

  // nullptr if absent.
  const RecordEntry* Find(const HashedId& id) const;
  size_t size() const { return size_; }
  size_t add_count() const { return adds_; }
  // Heap bytes held: entry chunks and the hash index (plus the chunk directory).
  size_t allocated_bytes() const;
  // The most allocated_bytes() has been at any instant.
  size_t peak_allocated_bytes() const;

  // Visits the records in the order they first arrived.
  template <class Fn>
  void ForEach(Fn&& fn) const {
    for (uint32_t i = 0; i < size_; ++i) fn(At(i));
  }

 private:
  const RecordEntry& At(uint32_t position) const;
  RecordEntry& At(uint32_t position);
  RecordEntry& Append();
  bool Matches(uint32_t position, const HashedId& id) const;
  // Rebuilds the index from the entries, at `capacity` slots.
  void Reindex(size_t capacity);

  std::vector<std::unique_ptr<RecordEntry[]>> chunks_;
  size_t capacity_ = 0;  // entries allocated across chunks
  uint32_t size_ = 0;
  size_t adds_ = 0;
  MemoryCounter memory_;  // chunks and index; declared before index_, which points at it
  RecordIndex index_;
};

}  // namespace pinsync::aggregate
