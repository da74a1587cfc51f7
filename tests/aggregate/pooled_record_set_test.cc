// Record sets and the aggregator behave the same with memory from a HugePagePool as from the
// heap, including when the pool's memory is reused by later sets.

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include <gtest/gtest.h>

#include "aggregate/test_ids.h"
#include "pinsync/aggregate/audience_aggregator.h"
#include "pinsync/aggregate/huge_page_pool.h"
#include "pinsync/aggregate/record_set.h"

namespace pinsync::aggregate {
namespace {

using namespace std::chrono_literals;
using testing::Id;

std::vector<RecordEntry> Entries(const RecordSet& set) {
  std::vector<RecordEntry> out;
  set.ForEach([&out](const RecordEntry& e) { out.push_back(e); });
  return out;
}

bool SameEntries(const std::vector<RecordEntry>& a, const std::vector<RecordEntry>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].id() != b[i].id() || a[i].op != b[i].op || a[i].partition != b[i].partition) {
      return false;
    }
  }
  return true;
}

// The same changes into `heap` and `pooled`: repeated records, both operations, a revocation.
void ApplyChanges(RecordSet& heap, RecordSet& pooled, uint64_t seed) {
  for (uint64_t i = 0; i < 20'000; ++i) {
    const uint64_t record = (i * 7919 + seed) % 15'000;
    const auto op = (i + seed) % 3 == 0 ? MembershipOp::kRemove : MembershipOp::kAdd;
    const auto partition = static_cast<PartitionId>(i % 5);
    ASSERT_EQ(heap.Upsert(Id(record), op, partition), pooled.Upsert(Id(record), op, partition));
    if (i == 12'000) {
      ASSERT_EQ(heap.DropPartition(2), pooled.DropPartition(2));
    }
  }
}

TEST(PooledRecordSetTest, HoldsTheSameRecordsAndBytesAsOneOnTheHeapAcrossReuse) {
  HugePagePool pool(64 * HugePagePool::kRegionBytes);
  for (uint64_t round = 0; round < 3; ++round) {
    RecordSet heap;
    RecordSet pooled(&pool);
    ApplyChanges(heap, pooled, round);
    EXPECT_EQ(pooled.size(), heap.size());
    EXPECT_EQ(pooled.add_count(), heap.add_count());
    EXPECT_EQ(pooled.allocated_bytes(), heap.allocated_bytes());
    EXPECT_TRUE(SameEntries(Entries(pooled), Entries(heap)));
    for (uint64_t record = 0; record < 15'000; record += 101) {
      const RecordEntry* a = heap.Find(Id(record));
      const RecordEntry* b = pooled.Find(Id(record));
      ASSERT_EQ(a == nullptr, b == nullptr);
      if (a != nullptr) {
        EXPECT_EQ(a->op, b->op);
      }
    }
  }
  EXPECT_EQ(pool.stats().heap_blocks, 0u);
  EXPECT_GT(pool.stats().cached_bytes, 0u) << "the sets' memory went back to the pool";
  // Later rounds reuse the first round's blocks instead of mapping more.
  const size_t mapped = pool.stats().mapped_bytes;
  {
    RecordSet heap;
    RecordSet pooled(&pool);
    ApplyChanges(heap, pooled, 0);
  }
  EXPECT_EQ(pool.stats().mapped_bytes, mapped);
}

TEST(PooledRecordSetTest, AggregatorWithAPoolEmitsTheSameBatches) {
  config::Config config;
  config.batching.max_records = 700;
  config.batching.max_age = 60s;
  ManualClock clock;
  AudienceAggregator heap(BatchingPolicyFrom(config), clock);
  AudienceAggregator pooled(BatchingPolicyFrom(config), clock, PooledBytesFor(100'000));
  const ListKey lists[] = {{"1", "a", ListType::kEmail}, {"1", "b", ListType::kMaid}};
  std::vector<Batch> from_heap;
  std::vector<Batch> from_pool;
  for (uint64_t i = 0; i < 10'000; ++i) {
    const ListKey& key = lists[i % 2];
    const auto op = i % 4 == 0 ? MembershipOp::kRemove : MembershipOp::kAdd;
    const auto offset = static_cast<int64_t>(i);
    heap.Add(key, "name", Id(i % 1'500), op, 0, offset);
    pooled.Add(key, "name", Id(i % 1'500), op, 0, offset);
    for (auto& b : heap.TakeReady()) from_heap.push_back(std::move(b));
    for (auto& b : pooled.TakeReady()) from_pool.push_back(std::move(b));
  }
  for (auto& b : heap.FlushAll()) from_heap.push_back(std::move(b));
  for (auto& b : pooled.FlushAll()) from_pool.push_back(std::move(b));
  ASSERT_EQ(from_pool.size(), from_heap.size());
  for (size_t i = 0; i < from_heap.size(); ++i) {
    EXPECT_EQ(from_pool[i].key, from_heap[i].key);
    EXPECT_EQ(from_pool[i].lowest_offsets, from_heap[i].lowest_offsets);
    ASSERT_EQ(from_pool[i].adds.size(), from_heap[i].adds.size());
    ASSERT_EQ(from_pool[i].removes.size(), from_heap[i].removes.size());
    for (size_t r = 0; r < from_heap[i].adds.size(); ++r) {
      EXPECT_EQ(from_pool[i].adds[r].id, from_heap[i].adds[r].id);
    }
    for (size_t r = 0; r < from_heap[i].removes.size(); ++r) {
      EXPECT_EQ(from_pool[i].removes[r].id, from_heap[i].removes[r].id);
    }
  }
  EXPECT_GT(pooled.pool_stats().mapped_bytes, 0u);
  EXPECT_EQ(heap.pool_stats().mapped_bytes, 0u);
}

TEST(PooledRecordSetTest, PooledBytesForDoesNotOverflow) {
  EXPECT_EQ(PooledBytesFor(2'000'000), 160'000'000u);
  EXPECT_GT(PooledBytesFor(SIZE_MAX), 0u);
}

}  // namespace
}  // namespace pinsync::aggregate
