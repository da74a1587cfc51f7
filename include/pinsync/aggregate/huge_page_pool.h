#pragma once
// Memory for the aggregator's record sets, on transparent huge pages, reused across batches.
//
// Why: under a backlog the aggregator holds millions of records (~100 MB of entries and hash
// indexes). With 4 KB pages nearly every RecordSet::Upsert misses the TLB and waits for a page
// walk; with 2 MB pages the whole working set fits the TLB's reach. Asking glibc for huge pages
// (glibc.malloc.hugetlb=1) was measured to cut the walks, but then the kernel zeroed a huge page
// each time freed memory went back and was mapped again. This pool maps 2 MB-aligned regions
// once, advises them MADV_HUGEPAGE, and keeps freed blocks on a free list per size: a batch's
// memory goes to the next batch of any list, so each huge page is zeroed once.
//
// Bounded: the pool never maps more than `max_mapped_bytes`; past that, and whenever mapping
// fails, blocks come from the heap (operator new). If the advice fails (THP disabled, old
// kernel) the regions are still used, with 4 KB pages. Mapped regions are kept until the pool is
// destroyed (they are what the next backlog reuses).
//
// One thread only (the consumer thread, like the aggregator): no locks.

#include <cstddef>
#include <cstdint>

#include <absl/container/flat_hash_map.h>

namespace pinsync::aggregate {

// The system calls behind the pool, replaceable so tests can make them fail.
class RegionSource {
 public:
  virtual ~RegionSource() = default;
  // `bytes` is a multiple of HugePagePool::kRegionBytes; the result is aligned to it, or null.
  virtual void* Map(size_t bytes) = 0;
  // False if the kernel refused huge pages for the region (it stays usable with 4 KB pages).
  virtual bool AdviseHugePages(void* region, size_t bytes) = 0;
  virtual void Unmap(void* region, size_t bytes) = 0;
};

// mmap + madvise(MADV_HUGEPAGE) + munmap.
RegionSource& SystemRegionSource();

// What the pool holds, for tests and metrics.
struct HugePagePoolStats {
  size_t mapped_bytes = 0;            // regions mapped, never more than max_mapped_bytes
  size_t cached_bytes = 0;            // freed blocks waiting for reuse
  size_t heap_blocks = 0;             // blocks currently allocated from the heap instead
  size_t regions_without_advice = 0;  // regions the kernel refused huge pages for
};

class HugePagePool {
 public:
  static constexpr size_t kRegionBytes = size_t{2} << 20;
  // Every block is a multiple of this and aligned to it (a cache line).
  static constexpr size_t kBlockAlignment = 64;

  explicit HugePagePool(size_t max_mapped_bytes, RegionSource& source = SystemRegionSource());
  ~HugePagePool();  // unmaps every region; blocks still allocated must not be used after this
  HugePagePool(const HugePagePool&) = delete;
  HugePagePool& operator=(const HugePagePool&) = delete;

  // Never null (the heap is the fallback; throws std::bad_alloc like operator new).
  void* Allocate(size_t bytes);
  // `bytes` as passed to Allocate.
  void Deallocate(void* block, size_t bytes);

  const HugePagePoolStats& stats() const { return stats_; }

 private:
  struct FreeBlock {
    FreeBlock* next;
  };

  void* TakeCached(size_t rounded);
  void* Carve(size_t rounded);         // from the current region (blocks up to half a region)
  void* MapDedicated(size_t rounded);  // a block larger than half a region gets its own regions
  void* MapRegions(size_t bytes);      // null past the bound or if mapping fails

  RegionSource& source_;
  size_t max_mapped_bytes_;
  // Base address -> length of every mapping; a pooled block lies in the first region of one.
  absl::flat_hash_map<uintptr_t, size_t> mappings_;
  absl::flat_hash_map<size_t, FreeBlock*> free_by_size_;
  char* cursor_ = nullptr;  // the unused end of the region blocks are carved from
  char* region_end_ = nullptr;
  HugePagePoolStats stats_;
};

}  // namespace pinsync::aggregate
