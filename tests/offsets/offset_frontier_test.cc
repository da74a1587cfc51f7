#include "pinsync/offsets/offset_frontier.h"

#include <gtest/gtest.h>

namespace pinsync::offsets {
namespace {

using Commits = std::vector<std::pair<PartitionId, int64_t>>;

TEST(OffsetFrontierTest, NothingCommittableBeforeAnythingIsConsumed) {
  OffsetFrontier f;
  EXPECT_EQ(f.Committable(0), std::nullopt);  // not assigned
  f.Assign(0);
  EXPECT_TRUE(f.assigned(0));
  EXPECT_EQ(f.Committable(0), std::nullopt);
  EXPECT_TRUE(f.TakeCommittable().empty());
}

TEST(OffsetFrontierTest, OnePastTheLastConsumedWhenNothingIsHeld) {
  OffsetFrontier f;
  f.Assign(0);
  EXPECT_TRUE(f.Consumed(0, 41));
  EXPECT_EQ(f.Committable(0), 42);
  EXPECT_EQ(f.LastConsumed(0), 41);
}

TEST(OffsetFrontierTest, TheLowestHoldBlocksTheFrontier) {
  OffsetFrontier f;
  f.Assign(0);
  EXPECT_TRUE(f.Hold(0, 10));
  f.Consumed(0, 10);
  f.Consumed(0, 11);
  f.Hold(0, 12);
  f.Consumed(0, 12);
  f.Consumed(0, 13);
  EXPECT_EQ(f.Committable(0), 10);
  EXPECT_EQ(f.LowestHeld(0), 10);
  f.Release(0, 12);  // acknowledged out of order: 10 still holds
  EXPECT_EQ(f.Committable(0), 10);
  f.Release(0, 10);
  EXPECT_EQ(f.Committable(0), 14);
  EXPECT_EQ(f.held(), 0u);
}

TEST(OffsetFrontierTest, HoldsAreCounted) {
  OffsetFrontier f;
  f.Assign(0);
  // One message in two batches (its EMAIL and its MAID list).
  f.Hold(0, 5);
  f.Hold(0, 5);
  f.Consumed(0, 5);
  EXPECT_EQ(f.held(0), 2u);
  f.Release(0, 5);
  EXPECT_EQ(f.Committable(0), 5);
  f.Release(0, 5);
  EXPECT_EQ(f.Committable(0), 6);
}

TEST(OffsetFrontierTest, AHoldAboveTheLastConsumedDoesNotPassIt) {
  OffsetFrontier f;
  f.Assign(0);
  f.Consumed(0, 3);
  f.Hold(0, 4);  // message 4 is being processed: not yet consumed
  EXPECT_EQ(f.Committable(0), 4);
  f.Consumed(0, 4);
  EXPECT_EQ(f.Committable(0), 4);
}

TEST(OffsetFrontierTest, TakeCommittableReturnsOnlyPartitionsThatAdvanced) {
  OffsetFrontier f;
  f.Assign(0);
  f.Assign(1);
  f.Assign(2);
  f.Consumed(1, 7);
  f.Hold(0, 3);
  f.Consumed(0, 3);
  EXPECT_EQ(f.TakeCommittable(), (Commits{{0, 3}, {1, 8}}));
  EXPECT_TRUE(f.TakeCommittable().empty());
  f.Consumed(0, 4);  // held at 3: no advance
  EXPECT_TRUE(f.TakeCommittable().empty());
  f.Release(0, 3);
  f.Consumed(2, 0);
  EXPECT_EQ(f.TakeCommittable(), (Commits{{0, 5}, {2, 1}}));
}

TEST(OffsetFrontierTest, RevokeForgetsThePartition) {
  OffsetFrontier f;
  f.Assign(0);
  f.Assign(1);
  f.Hold(0, 3);
  f.Hold(1, 3);
  f.Consumed(0, 3);
  f.Consumed(1, 3);
  EXPECT_EQ(f.held(), 2u);
  EXPECT_EQ(f.TakeCommittable().size(), 2u);
  f.Revoke(0);
  EXPECT_FALSE(f.assigned(0));
  EXPECT_EQ(f.held(), 1u);
  EXPECT_EQ(f.Committable(0), std::nullopt);
  EXPECT_EQ(f.assigned_partitions(), std::vector<PartitionId>{1});
  // Late work for a revoked partition is ignored, and so is a late release.
  EXPECT_FALSE(f.Consumed(0, 9));
  EXPECT_FALSE(f.Hold(0, 9));
  f.Release(0, 3);
  EXPECT_EQ(f.unmatched_releases(), 0u);
  // Assigned again: a fresh start, reported again even at a lower offset than before.
  f.Assign(0);
  EXPECT_EQ(f.Committable(0), std::nullopt);
  f.Consumed(0, 2);
  EXPECT_EQ(f.TakeCommittable(), (Commits{{0, 3}}));
}

TEST(OffsetFrontierTest, AssignTwiceKeepsState) {
  OffsetFrontier f;
  f.Assign(0);
  f.Hold(0, 1);
  f.Consumed(0, 1);
  f.Assign(0);
  EXPECT_EQ(f.held(0), 1u);
  EXPECT_EQ(f.Committable(0), 1);
}

TEST(OffsetFrontierTest, ARedeliveredOlderMessageDoesNotMoveTheFrontierBack) {
  OffsetFrontier f;
  f.Assign(0);
  f.Consumed(0, 10);
  f.Consumed(0, 4);
  EXPECT_EQ(f.Committable(0), 11);
}

TEST(OffsetFrontierDeathTest, ReleasingWhatIsNotHeldAssertsInDebugAndIsIgnoredOtherwise) {
  OffsetFrontier f;
  f.Assign(0);
  f.Hold(0, 5);
  f.Consumed(0, 6);
  EXPECT_DEBUG_DEATH(f.Release(0, 6), "not held");
#ifdef NDEBUG
  EXPECT_EQ(f.unmatched_releases(), 1u);
#endif
  EXPECT_EQ(f.held(0), 1u);
  EXPECT_EQ(f.Committable(0), 5);
}

}  // namespace
}  // namespace pinsync::offsets
