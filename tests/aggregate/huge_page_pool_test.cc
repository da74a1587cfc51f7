#include "pinsync/aggregate/huge_page_pool.h"

#include <cstdint>
#include <cstring>
#include <vector>

#include <gtest/gtest.h>

#include "aggregate/failing_region_source.h"

namespace pinsync::aggregate {
namespace {

using testing::FailingRegionSource;

constexpr size_t kRegion = HugePagePool::kRegionBytes;

uintptr_t Address(const void* p) { return reinterpret_cast<uintptr_t>(p); }

// Writes every byte of a block, so a block that overlaps another or is not really mapped shows.
void Fill(void* block, size_t bytes, int value) { std::memset(block, value, bytes); }

TEST(HugePagePoolTest, FreedBlockIsReusedForTheSameSizeWithoutMappingMore) {
  FailingRegionSource source;
  HugePagePool pool(8 * kRegion, source);
  void* first = pool.Allocate(2560);
  Fill(first, 2560, 1);
  pool.Deallocate(first, 2560);
  EXPECT_EQ(pool.stats().cached_bytes, 2560u);
  void* again = pool.Allocate(2560);
  EXPECT_EQ(again, first);
  EXPECT_EQ(pool.stats().cached_bytes, 0u);
  EXPECT_EQ(source.maps, 1u);
  EXPECT_EQ(pool.stats().mapped_bytes, kRegion);
  pool.Deallocate(again, 2560);
}

TEST(HugePagePoolTest, BlocksAreCacheLineAlignedInRegionAlignedRegionsAndDoNotOverlap) {
  FailingRegionSource source;
  HugePagePool pool(8 * kRegion, source);
  std::vector<std::pair<void*, size_t>> blocks;
  for (size_t bytes : {1, 40, 640, 1280, 2560, 100, 70'000, 1'000'000}) {
    void* block = pool.Allocate(bytes);
    EXPECT_EQ(Address(block) % HugePagePool::kBlockAlignment, 0u) << bytes;
    Fill(block, bytes, static_cast<int>(blocks.size()));
    blocks.emplace_back(block, bytes);
  }
  EXPECT_EQ(Address(blocks.front().first) % kRegion, 0u) << "a region starts on a 2 MB boundary";
  for (size_t i = 0; i < blocks.size(); ++i) {
    const auto* bytes = static_cast<const unsigned char*>(blocks[i].first);
    for (size_t b = 0; b < blocks[i].second; ++b) ASSERT_EQ(bytes[b], i) << "block " << i;
  }
  for (auto [block, bytes] : blocks) pool.Deallocate(block, bytes);
}

TEST(HugePagePoolTest, NeverMapsPastItsBoundAndServesTheRestFromTheHeap) {
  FailingRegionSource source;
  HugePagePool pool(2 * kRegion, source);
  std::vector<void*> blocks;
  for (int i = 0; i < 5; ++i) {
    blocks.push_back(pool.Allocate(kRegion / 2));
    Fill(blocks.back(), kRegion / 2, i);
  }
  EXPECT_EQ(pool.stats().mapped_bytes, 2 * kRegion);
  EXPECT_EQ(source.mapped_bytes, 2 * kRegion);
  EXPECT_EQ(pool.stats().heap_blocks, 1u);
  for (void* block : blocks) pool.Deallocate(block, kRegion / 2);
  EXPECT_EQ(pool.stats().heap_blocks, 0u);
  EXPECT_EQ(pool.stats().cached_bytes, 2 * kRegion) << "only pooled blocks are kept";
}

TEST(HugePagePoolTest, BlockLargerThanHalfARegionGetsItsOwnRegionsAndIsReused) {
  FailingRegionSource source;
  HugePagePool pool(8 * kRegion, source);
  const size_t bytes = 3 * kRegion / 2;
  void* block = pool.Allocate(bytes);
  Fill(block, bytes, 7);
  EXPECT_EQ(Address(block) % kRegion, 0u);
  EXPECT_EQ(pool.stats().mapped_bytes, 2 * kRegion);
  pool.Deallocate(block, bytes);
  EXPECT_EQ(pool.Allocate(bytes), block);
  EXPECT_EQ(source.maps, 1u);
  pool.Deallocate(block, bytes);
}

TEST(HugePagePoolTest, WorksFromTheHeapWhenMappingFails) {
  FailingRegionSource source;
  source.refuse_map = true;
  HugePagePool pool(8 * kRegion, source);
  void* small = pool.Allocate(640);
  void* large = pool.Allocate(3 * kRegion);
  Fill(small, 640, 1);
  Fill(large, 3 * kRegion, 2);
  EXPECT_EQ(Address(small) % HugePagePool::kBlockAlignment, 0u);
  EXPECT_EQ(pool.stats().heap_blocks, 2u);
  EXPECT_EQ(pool.stats().mapped_bytes, 0u);
  pool.Deallocate(small, 640);
  pool.Deallocate(large, 3 * kRegion);
  EXPECT_EQ(pool.stats().heap_blocks, 0u);
  EXPECT_EQ(pool.stats().cached_bytes, 0u);
}

TEST(HugePagePoolTest, UsesRegionsWithSmallPagesWhenHugePagesAreRefused) {
  FailingRegionSource source;
  source.refuse_advice = true;
  HugePagePool pool(8 * kRegion, source);
  void* block = pool.Allocate(2560);
  Fill(block, 2560, 3);
  EXPECT_EQ(pool.stats().regions_without_advice, 1u);
  EXPECT_EQ(pool.stats().mapped_bytes, kRegion);
  EXPECT_EQ(pool.stats().heap_blocks, 0u);
  pool.Deallocate(block, 2560);
}

TEST(HugePagePoolTest, DestructionUnmapsEveryRegion) {
  FailingRegionSource source;
  {
    HugePagePool pool(8 * kRegion, source);
    void* small = pool.Allocate(640);
    void* large = pool.Allocate(3 * kRegion);
    pool.Deallocate(small, 640);
    pool.Deallocate(large, 3 * kRegion);
    EXPECT_EQ(source.mapped_bytes, 4 * kRegion)
        << "a region for the small block, three for the large";
  }
  EXPECT_EQ(source.mapped_bytes, 0u);
}

}  // namespace
}  // namespace pinsync::aggregate
