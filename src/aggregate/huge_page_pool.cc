#include "pinsync/aggregate/huge_page_pool.h"

#include <sys/mman.h>

#include <cstdint>
#include <new>

namespace pinsync::aggregate {
namespace {

constexpr size_t RoundUp(size_t n, size_t to) { return (n + to - 1) / to * to; }

class SystemRegions final : public RegionSource {
 public:
  void* Map(size_t bytes) override {
    // mmap only promises page alignment: map one region more and trim to a region boundary,
    // so each region can be one huge page.
    const size_t padded = bytes + HugePagePool::kRegionBytes;
    void* raw = mmap(nullptr, padded, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) return nullptr;
    const auto start = reinterpret_cast<uintptr_t>(raw);
    const uintptr_t aligned = RoundUp(start, HugePagePool::kRegionBytes);
    if (aligned > start) munmap(raw, aligned - start);
    const uintptr_t end = start + padded;
    if (end > aligned + bytes)
      munmap(reinterpret_cast<void*>(aligned + bytes), end - aligned - bytes);
    return reinterpret_cast<void*>(aligned);
  }
  bool AdviseHugePages(void* region, size_t bytes) override {
    return madvise(region, bytes, MADV_HUGEPAGE) == 0;
  }
  void Unmap(void* region, size_t bytes) override { munmap(region, bytes); }
};

}  // namespace

RegionSource& SystemRegionSource() {
  static SystemRegions regions;
  return regions;
}

HugePagePool::HugePagePool(size_t max_mapped_bytes, RegionSource& source)
    : source_(source), max_mapped_bytes_(max_mapped_bytes) {}

HugePagePool::~HugePagePool() {
  for (const auto& [base, bytes] : mappings_) source_.Unmap(reinterpret_cast<void*>(base), bytes);
}

void* HugePagePool::Allocate(size_t bytes) {
  const size_t rounded = RoundUp(bytes == 0 ? 1 : bytes, kBlockAlignment);
  void* block = TakeCached(rounded);
  if (block == nullptr) {
    block = rounded > kRegionBytes / 2 ? MapDedicated(rounded) : Carve(rounded);
  }
  if (block == nullptr) {
    ++stats_.heap_blocks;
    block = ::operator new (rounded, std::align_val_t{kBlockAlignment});
  }
  return block;
}

void HugePagePool::Deallocate(void* block, size_t bytes) {
  const size_t rounded = RoundUp(bytes == 0 ? 1 : bytes, kBlockAlignment);
  const uintptr_t region = reinterpret_cast<uintptr_t>(block) & ~(kRegionBytes - 1);
  if (!mappings_.contains(region)) {
    --stats_.heap_blocks;
    ::operator delete (block, std::align_val_t{kBlockAlignment});
    return;
  }
  FreeBlock*& head = free_by_size_[rounded];
  head = new (block) FreeBlock{head};
  stats_.cached_bytes += rounded;
}

void* HugePagePool::TakeCached(size_t rounded) {
  auto it = free_by_size_.find(rounded);
  if (it == free_by_size_.end() || it->second == nullptr) return nullptr;
  FreeBlock* block = it->second;
  it->second = block->next;
  stats_.cached_bytes -= rounded;
  return block;
}

void* HugePagePool::Carve(size_t rounded) {
  if (static_cast<size_t>(region_end_ - cursor_) < rounded) {
    // The rest of the current region is too small for this block and stays unused: blocks are
    // at most half a region, so at most half of a region is lost this way, and only when a
    // large index array comes next.
    auto* region = static_cast<char*>(MapRegions(kRegionBytes));
    if (region == nullptr) return nullptr;
    cursor_ = region;
    region_end_ = region + kRegionBytes;
  }
  void* block = cursor_;
  cursor_ += rounded;
  return block;
}

void* HugePagePool::MapDedicated(size_t rounded) {
  return MapRegions(RoundUp(rounded, kRegionBytes));
}

void* HugePagePool::MapRegions(size_t bytes) {
  if (stats_.mapped_bytes + bytes > max_mapped_bytes_) return nullptr;
  void* region = source_.Map(bytes);
  if (region == nullptr) return nullptr;
  if (!source_.AdviseHugePages(region, bytes)) ++stats_.regions_without_advice;
  mappings_.emplace(reinterpret_cast<uintptr_t>(region), bytes);
  stats_.mapped_bytes += bytes;
  return region;
}

}  // namespace pinsync::aggregate
