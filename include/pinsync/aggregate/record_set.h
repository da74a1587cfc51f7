#pragma once
// The records of one open batch: the net operation per hashed identifier, last change wins.
//
// Memory budget: a buffered record must cost at most 64 bytes. A flat_hash_map keyed by the
// 33-byte HashedId would have a 44-byte slot; absl keeps its load between 7/16 (just after a
// doubling) and 7/8, so the worst case would be (44 + 1 control byte) * 16/7 = 103 bytes.
// Instead the records live in a dense array of 40-byte entries, in arrival order, and the hash
// index is a flat_hash_set of 4-byte positions into that array (hash and equality look through
// to the entry). Worst case: 40 bytes per entry plus at most one partly filled chunk, plus
// (4 + 1) * 16/7 = 11.4 bytes of index. Entries are stored in chunks (16, 32, then 64 entries
// each) rather than a std::vector so growth never copies and never holds two buffers at once (a
// vector peaks at 3x while growing), and a batch wastes at most 63 entries (2.5 KB).
// Measured (record_set_test, bench/aggregator_bench.cc): 47 bytes/record at 100,000 records; at
// most 61.6 from 200 records up, including the instant mid-rehash when the old and new index
// arrays coexist (+5.7 bytes/record). Smaller batches cost more per record (at most 2.5 KB of
// chunk slack plus the first index group, up to 124 bytes/record at 17 records).

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include <absl/container/flat_hash_set.h>

#include "pinsync/aggregate/batch.h"
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

// Bytes currently allocated and the most ever allocated at once (a rehash briefly holds both
// the old and the new index arrays: that transient peak is what the budget must also cover).
struct MemoryCounter {
  size_t current = 0;
  size_t peak = 0;
  void Allocated(size_t n) {
    current += n;
    if (current > peak) peak = current;
  }
  void Freed(size_t n) { current -= n; }
};

// Allocator that reports what it hands out to a MemoryCounter, so memory per record is measured
// exactly rather than estimated from capacities.
template <class T>
struct CountingAllocator {
  using value_type = T;
  MemoryCounter* counter = nullptr;

  explicit CountingAllocator(MemoryCounter* c) : counter(c) {}
  template <class U>
  CountingAllocator(const CountingAllocator<U>& other) : counter(other.counter) {}  // NOLINT

  T* allocate(size_t n) {
    counter->Allocated(n * sizeof(T));
    return std::allocator<T>().allocate(n);
  }
  void deallocate(T* p, size_t n) {
    counter->Freed(n * sizeof(T));
    std::allocator<T>().deallocate(p, n);
  }
  template <class U>
  friend bool operator==(const CountingAllocator& a, const CountingAllocator<U>& b) {
    return a.counter == b.counter;
  }
};

class RecordSet {
 public:
  RecordSet();
  // The index's hash functor points back at this object: neither copyable nor movable.
  RecordSet(const RecordSet&) = delete;
  RecordSet& operator=(const RecordSet&) = delete;

  // Records the change; the later change replaces the earlier one. True if the record is new.
  bool Upsert(const HashedId& id, MembershipOp op, PartitionId partition);
  // Forgets the records whose latest change came from `partition`; returns how many.
  size_t DropPartition(PartitionId partition);

  // nullptr if absent.
  const RecordEntry* Find(const HashedId& id) const;
  size_t size() const { return size_; }
  size_t add_count() const { return adds_; }
  // Heap bytes held: entry chunks and the hash index (plus the chunk directory).
  size_t allocated_bytes() const;
  // The most allocated_bytes() has been at any instant, including mid-rehash.
  size_t peak_allocated_bytes() const;

  // Visits the records in the order they first arrived.
  template <class Fn>
  void ForEach(Fn&& fn) const {
    for (uint32_t i = 0; i < size_; ++i) fn(At(i));
  }

 private:
  struct IndexHash {
    using is_transparent = void;
    const RecordSet* set;
    size_t operator()(uint32_t position) const;
    size_t operator()(const HashedId& id) const;
  };
  struct IndexEq {
    using is_transparent = void;
    const RecordSet* set;
    bool operator()(uint32_t a, uint32_t b) const { return a == b; }
    bool operator()(uint32_t position, const HashedId& id) const;
    bool operator()(const HashedId& id, uint32_t position) const { return (*this)(position, id); }
  };
  using Index = absl::flat_hash_set<uint32_t, IndexHash, IndexEq, CountingAllocator<uint32_t>>;

  const RecordEntry& At(uint32_t position) const;
  RecordEntry& At(uint32_t position);
  RecordEntry& Append();
  Index MakeIndex();

  std::vector<std::unique_ptr<RecordEntry[]>> chunks_;
  size_t capacity_ = 0;  // entries allocated across chunks
  uint32_t size_ = 0;
  size_t adds_ = 0;
  MemoryCounter memory_;  // chunks and index; declared before index_, which points at it
  Index index_;
};

}  // namespace pinsync::aggregate
