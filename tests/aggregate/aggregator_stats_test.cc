#include "pinsync/aggregate/aggregator_stats.h"

#include <gtest/gtest.h>

#include "aggregate/test_ids.h"

namespace pinsync::aggregate {
namespace {

using testing::Id;

TEST(AggregatorStatsTest, UpdateExportsCountersOnceAndGaugesAsTheyAre) {
  prometheus::Registry registry;
  AggregatorStats stats = AggregatorStats::Create(registry);
  ManualClock clock;
  AudienceAggregator aggregator(
      [](const std::string&) {
        return config::BatchingConfig{2, config::Millis(1000)};
      },
      clock);
  const ListKey key{"1", "vip", ListType::kEmail};
  aggregator.Add(key, "VIP", Id(1), MembershipOp::kAdd, 0, 1);
  aggregator.Add(key, "VIP", Id(1), MembershipOp::kRemove, 0, 2);
  stats.Update(aggregator);
  EXPECT_EQ(stats.changes.Value(), 2);
  EXPECT_EQ(stats.changes_collapsed.Value(), 1);
  EXPECT_EQ(stats.buffered_records.Value(), 1);
  EXPECT_EQ(stats.buffered_batches.Value(), 1);
  EXPECT_GT(stats.buffered_bytes.Value(), 0);
  aggregator.Add(key, "VIP", Id(2), MembershipOp::kAdd, 0, 3);  // full
  aggregator.Add(key, "VIP", Id(3), MembershipOp::kAdd, 1, 4);
  ASSERT_EQ(aggregator.TakeReady().size(), 1u);
  aggregator.DropPartition(1);
  stats.Update(aggregator);
  stats.Update(aggregator);  // idempotent
  EXPECT_EQ(stats.changes.Value(), 4);
  EXPECT_EQ(stats.flushed_full.Value(), 1);
  EXPECT_EQ(stats.flushed_aged.Value(), 0);
  EXPECT_EQ(stats.records_dropped.Value(), 1);
  EXPECT_EQ(stats.buffered_records.Value(), 0);
  EXPECT_EQ(stats.buffered_bytes.Value(), 0);
  for (const auto& family : registry.Collect()) {
    EXPECT_EQ(family.name.rfind("pinsync_aggregator_", 0), 0u) << family.name;
    EXPECT_FALSE(family.help.empty()) << family.name;
  }
}

}  // namespace
}  // namespace pinsync::aggregate
