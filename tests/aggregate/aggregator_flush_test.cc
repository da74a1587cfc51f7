// Flushing under pressure and at shutdown, revocation, and the offsets a batch carries.

#include <chrono>
#include <cstdio>

#include <gtest/gtest.h>

#include "aggregate/test_ids.h"
#include "pinsync/aggregate/audience_aggregator.h"

namespace pinsync::aggregate {
namespace {

using namespace std::chrono_literals;
using testing::Id;

ListKey Key(std::string audience, ListType type = ListType::kEmail) {
  return ListKey{"549755813599", std::move(audience), type};
}

BatchingPolicyFn Policy(size_t max_records, config::Millis max_age = config::Millis(3600000)) {
  return [=](const std::string&) { return config::BatchingConfig{max_records, max_age}; };
}

using Offsets = std::vector<std::pair<PartitionId, int64_t>>;

TEST(AggregatorFlushTest, FlushAllReturnsSealedBatchesFirstThenOpenOnesInOpeningOrder) {
  ManualClock clock;
  AudienceAggregator aggregator(Policy(2), clock);
  aggregator.Add(Key("b"), "B", Id(1), MembershipOp::kAdd, 0, 1);
  aggregator.Add(Key("a"), "A", Id(1), MembershipOp::kAdd, 0, 2);
  aggregator.Add(Key("a"), "A", Id(2), MembershipOp::kAdd, 0, 3);  // a is full: sealed
  aggregator.Add(Key("a"), "A", Id(1), MembershipOp::kRemove, 0, 4);
  auto batches = aggregator.FlushAll();
  ASSERT_EQ(batches.size(), 3u);
  EXPECT_EQ(batches[0].key.audience_id, "a");
  EXPECT_EQ(batches[0].adds.size(), 2u);
  EXPECT_EQ(batches[1].key.audience_id, "b");
  EXPECT_EQ(batches[2].key.audience_id, "a");
  EXPECT_EQ(batches[2].removes.size(), 1u);
  EXPECT_LT(batches[0].id, batches[1].id);
  EXPECT_LT(batches[1].id, batches[2].id);
  EXPECT_EQ(aggregator.counters().flushed_shutdown, 2u);
  EXPECT_EQ(aggregator.buffered_records(), 0u);
}

TEST(AggregatorFlushTest, FlushLargestUntilFlushesTheBiggestBatchesOnly) {
  ManualClock clock;
  AudienceAggregator aggregator(Policy(1000), clock);
  int64_t offset = 0;
  auto fill = [&](const std::string& audience, uint64_t n) {
    for (uint64_t i = 0; i < n; ++i) {
      aggregator.Add(Key(audience), audience, Id(i), MembershipOp::kAdd, 0, offset++);
    }
  };
  fill("small", 2);
  fill("big", 9);
  fill("medium", 5);
  EXPECT_EQ(aggregator.buffered_records(), 16u);
  EXPECT_TRUE(aggregator.FlushLargestUntil(16).empty());
  auto flushed = aggregator.FlushLargestUntil(8);
  ASSERT_EQ(flushed.size(), 1u);
  EXPECT_EQ(flushed[0].key.audience_id, "big");
  EXPECT_EQ(aggregator.buffered_records(), 7u);
  flushed = aggregator.FlushLargestUntil(1);
  ASSERT_EQ(flushed.size(), 2u);
  EXPECT_EQ(flushed[0].key.audience_id, "medium");
  EXPECT_EQ(flushed[1].key.audience_id, "small");
  EXPECT_EQ(aggregator.buffered_records(), 0u);
  EXPECT_EQ(aggregator.counters().flushed_pressure, 3u);
}

TEST(AggregatorFlushTest, FlushLargestUntilEmitsSealedBatchesBeforeNewerOnesOfTheSameList) {
  ManualClock clock;
  AudienceAggregator aggregator(Policy(3), clock);
  for (uint64_t i = 0; i < 5; ++i) {
    aggregator.Add(Key("a"), "A", Id(i), MembershipOp::kAdd, 0, static_cast<int64_t>(i));
  }
  // 3 sealed + 2 open; asking for 0 must emit the sealed one before the open one.
  auto flushed = aggregator.FlushLargestUntil(0);
  ASSERT_EQ(flushed.size(), 2u);
  EXPECT_EQ(flushed[0].size(), 3u);
  EXPECT_EQ(flushed[1].size(), 2u);
  EXPECT_LT(flushed[0].id, flushed[1].id);
}

TEST(AggregatorFlushTest, LowestOffsetPerPartitionIsNeverRaised) {
  ManualClock clock;
  AudienceAggregator aggregator(Policy(1000), clock);
  HoldChange c = aggregator.Add(Key("a"), "A", Id(1), MembershipOp::kAdd, 3, 100);
  EXPECT_EQ(c.hold, 100);
  EXPECT_EQ(c.release, std::nullopt);
  c = aggregator.Add(Key("a"), "A", Id(2), MembershipOp::kAdd, 3, 150);
  EXPECT_EQ(c.hold, std::nullopt);  // partition 3 already held by this batch at 100
  c = aggregator.Add(Key("a"), "A", Id(1), MembershipOp::kRemove, 5, 7);
  EXPECT_EQ(c.hold, 7);  // first change from partition 5
  c = aggregator.Add(Key("a", ListType::kMaid), "A", Id(9), MembershipOp::kAdd, 3, 150);
  EXPECT_EQ(c.hold, 150);  // another list: another batch, its own hold
  // A replayed lower offset lowers the batch's entry: hold the new one, release the old one.
  c = aggregator.Add(Key("a"), "A", Id(3), MembershipOp::kAdd, 3, 90);
  EXPECT_EQ(c.hold, 90);
  EXPECT_EQ(c.release, 100);
  auto batches = aggregator.FlushAll();
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(batches[0].lowest_offsets, (Offsets{{3, 90}, {5, 7}}));
  EXPECT_EQ(batches[1].lowest_offsets, (Offsets{{3, 150}}));
}

TEST(AggregatorFlushTest, DropPartitionDropsItsRecordsAndOffsetsOnly) {
  ManualClock clock;
  AudienceAggregator aggregator(Policy(1000), clock);
  aggregator.Add(Key("a"), "A", Id(1), MembershipOp::kAdd, 1, 10);
  aggregator.Add(Key("a"), "A", Id(2), MembershipOp::kAdd, 2, 20);
  aggregator.Add(Key("a"), "A", Id(3), MembershipOp::kRemove, 2, 21);
  // Id 4's first change came from partition 2, its latest from 1: it stays.
  aggregator.Add(Key("a"), "A", Id(4), MembershipOp::kAdd, 2, 22);
  aggregator.Add(Key("a"), "A", Id(4), MembershipOp::kRemove, 1, 11);
  // A batch with records from partition 2 only disappears.
  aggregator.Add(Key("b"), "B", Id(1), MembershipOp::kAdd, 2, 23);
  EXPECT_EQ(aggregator.buffered_records(), 6u);  // Id 4's two changes are not merged yet
  EXPECT_EQ(aggregator.DropPartition(2), 3u);
  EXPECT_EQ(aggregator.counters().changes_collapsed, 1u);  // merged first, by latest change
  EXPECT_EQ(aggregator.buffered_records(), 2u);
  EXPECT_EQ(aggregator.buffered_batches(), 1u);
  EXPECT_EQ(aggregator.counters().records_dropped, 3u);
  EXPECT_EQ(aggregator.counters().batches_discarded, 1u);
  EXPECT_EQ(aggregator.DropPartition(2), 0u);
  auto batches = aggregator.FlushAll();
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0].key.audience_id, "a");
  ASSERT_EQ(batches[0].adds.size(), 1u);
  EXPECT_EQ(batches[0].adds[0].id, Id(1));
  ASSERT_EQ(batches[0].removes.size(), 1u);
  EXPECT_EQ(batches[0].removes[0].id, Id(4));
  EXPECT_EQ(batches[0].lowest_offsets, (Offsets{{1, 10}}));
}

TEST(AggregatorFlushTest, DropPartitionKeepsABatchThatStillHoldsAnotherPartitionsOffset) {
  ManualClock clock;
  AudienceAggregator aggregator(Policy(1000), clock);
  // Id 1 first from partition 1, then (a re-keyed user) from partition 2: after dropping 2 the
  // batch has no records but still carries partition 1's offset, which the frontier holds.
  aggregator.Add(Key("a"), "A", Id(1), MembershipOp::kAdd, 1, 10);
  aggregator.Add(Key("a"), "A", Id(1), MembershipOp::kRemove, 2, 20);
  EXPECT_EQ(aggregator.DropPartition(2), 1u);
  EXPECT_EQ(aggregator.buffered_batches(), 1u);
  auto batches = aggregator.FlushAll();
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0].size(), 0u);
  EXPECT_EQ(batches[0].lowest_offsets, (Offsets{{1, 10}}));
}

TEST(AggregatorFlushTest, DropPartitionAlsoAppliesToSealedBatches) {
  ManualClock clock;
  AudienceAggregator aggregator(Policy(2), clock);
  aggregator.Add(Key("a"), "A", Id(1), MembershipOp::kAdd, 1, 10);
  aggregator.Add(Key("a"), "A", Id(2), MembershipOp::kAdd, 2, 20);  // sealed
  EXPECT_EQ(aggregator.DropPartition(2), 1u);
  auto ready = aggregator.TakeReady();
  ASSERT_EQ(ready.size(), 1u);
  EXPECT_EQ(ready[0].adds.size(), 1u);
  EXPECT_EQ(ready[0].lowest_offsets, (Offsets{{1, 10}}));
}

TEST(AggregatorFlushTest, DropPartitionDiscardsAnEmptiedSealedBatch) {
  ManualClock clock;
  AudienceAggregator aggregator(Policy(1), clock);
  aggregator.Add(Key("a"), "A", Id(1), MembershipOp::kAdd, 2, 20);  // sealed at once
  EXPECT_EQ(aggregator.DropPartition(2), 1u);
  EXPECT_TRUE(aggregator.TakeReady().empty());
  EXPECT_EQ(aggregator.buffered_batches(), 0u);
}

TEST(AggregatorFlushTest, BufferedBytesPerRecordAtScale) {
  ManualClock clock;
  AudienceAggregator aggregator(Policy(100'000), clock);
  // Ten lists of 20,000 records: the realistic shape of a large backlog.
  for (uint64_t i = 0; i < 200'000; ++i) {
    aggregator.Add(Key("a" + std::to_string(i % 10)), "A", Id(i), MembershipOp::kAdd, 0,
                   static_cast<int64_t>(i));
  }
  const double per_record = static_cast<double>(aggregator.buffered_bytes()) /
                            static_cast<double>(aggregator.buffered_records());
  std::printf("10 lists x 20000 records: %.1f bytes/record\n", per_record);
  EXPECT_LE(per_record, 64.0);
}

}  // namespace
}  // namespace pinsync::aggregate
