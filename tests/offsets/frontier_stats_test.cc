#include "pinsync/offsets/frontier_stats.h"

#include <gtest/gtest.h>

namespace pinsync::offsets {
namespace {

TEST(FrontierStatsTest, UpdateReflectsTheFrontier) {
  prometheus::Registry registry;
  FrontierStats stats = FrontierStats::Create(registry);
  OffsetFrontier frontier;
  frontier.Assign(0);
  frontier.Assign(1);
  frontier.Hold(0, 4);
  frontier.Hold(0, 4);
  frontier.Hold(1, 9);
  stats.Update(frontier);
  EXPECT_EQ(stats.holds.Value(), 3);
  EXPECT_EQ(stats.assigned_partitions.Value(), 2);
  EXPECT_EQ(stats.unmatched_releases.Value(), 0);
  frontier.Revoke(1);
  frontier.Release(0, 4);
  stats.Update(frontier);
  EXPECT_EQ(stats.holds.Value(), 1);
  EXPECT_EQ(stats.assigned_partitions.Value(), 1);
  for (const auto& family : registry.Collect()) {
    EXPECT_EQ(family.name.rfind("pinsync_offsets_", 0), 0u) << family.name;
  }
}

}  // namespace
}  // namespace pinsync::offsets
